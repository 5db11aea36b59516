import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { SqlExecutor } from '@ragops/core';
import { selectDriftResults } from '../drift/drift-store.ts';
import { queryMetrics } from '../metrics/metric-query.ts';
import { WINDOW_MS } from '../metrics/windows.ts';
import type { AlertRule } from './alert-config.ts';
import { alertObservation } from './alert-metrics.ts';
import type { SeriesWindow } from './evaluate-alert-rule.ts';

const DRIFT_METRIC = /^drift:([a-z_]+)(?::(baseline|previous))?$/;

// A rule spans (forWindows + 1) × 3 windows of every live version × arm (or drift result). One read
// of 500 points cut the oldest windows (16 series of a 10-window rule filled it), and a series left
// short of forWindows readings could neither fire nor resolve. So the span is read in pages, newest
// first, until a page is not cut, with a turn of the event loop between pages. Pages keep the size
// of the one read before: SQLite answers synchronously, and a 5,000-point read measured 210–290 ms
// of stalled event loop beside serving, 500 points 20–50 ms.
const METRIC_PAGE = 500;
const DRIFT_PAGE = 1_000;

/** The windows a rule judges, per series, oldest first. */
export type AlertSeries = {
  bySeries: Map<string, SeriesWindow[]>;
  /**
   * False when one window held more rows than a page (500 series, or 1,000 drift results): only
   * the windows after it were read, so a series may have too few to change state. The caller says
   * so rather than judging quietly on less.
   */
  complete: boolean;
};

/**
 * Every row of the span, newest window first: `read(before)` answers a page of rows of windows
 * before `before` (all when undefined), newest first, and whether more matched. A cut page's oldest
 * window may be cut across series, so it is left for the next page, which ends just after it.
 */
async function readSpan<T>(
  read: (before: number | undefined) => Promise<{ rows: T[]; more: boolean }>,
  windowOf: (row: T) => number,
): Promise<{ rows: T[]; complete: boolean }> {
  const rows: T[] = [];
  let before: number | undefined;
  for (;;) {
    const page = await read(before);
    if (!page.more) return { rows: rows.concat(page.rows), complete: true };
    const oldest = windowOf(page.rows.at(-1)!);
    const whole = page.rows.filter((r) => windowOf(r) !== oldest);
    if (whole.length === 0) return { rows, complete: false };
    rows.push(...whole);
    before = oldest + 1;
    await yieldToEventLoop();
  }
}

/**
 * The complete windows a rule looks at, per series, oldest first: metric-table rows of the
 * endpoint's live traffic per served version × arm (`v3/champion`), or, for `drift:<metric>[:vs]`,
 * the stored drift results' p-values per version (`v3`; n = the smaller side), so a rule such as
 * `{ metric: drift:query_mmd, condition: { below: 0.01 }, forWindows: 2 }` alerts on drift that persists.
 */
export async function readAlertSeries(db: SqlExecutor, rule: AlertRule, now: Date): Promise<AlertSeries> {
  const windowMs = WINDOW_MS[rule.window];
  // Enough windows for forWindows usable readings plus the previous one, with room for gaps.
  const span = (rule.forWindows + 1) * 3 * windowMs;
  const lastCompleteStart = Math.floor(now.getTime() / windowMs) * windowMs - windowMs;
  const since = new Date(lastCompleteStart - span).toISOString();
  const bySeries = new Map<string, SeriesWindow[]>();
  const add = (series: string, w: SeriesWindow) => {
    const windows = bySeries.get(series);
    if (windows) windows.push(w);
    else bySeries.set(series, [w]);
  };
  const drift = DRIFT_METRIC.exec(rule.metric);
  if (drift) {
    const comparison = drift[2] ?? 'previous';
    const { rows, complete } = await readSpan(
      async (before) => {
        const page = await selectDriftResults(db, {
          endpoint: rule.endpoint,
          metric: drift[1]!,
          since,
          ...(before !== undefined && { endsBefore: new Date(before).toISOString() }),
          limit: DRIFT_PAGE,
        });
        return { rows: page, more: page.length === DRIFT_PAGE };
      },
      (r) => Date.parse(r.current.end),
    );
    for (const r of rows.reverse()) {
      const start = Date.parse(r.current.start);
      const sized = Date.parse(r.current.end) - start === windowMs;
      if (r.comparison !== comparison || !sized || start > lastCompleteStart) continue;
      add(`v${r.modelVersion}`, {
        windowStart: r.current.start,
        observation: { value: r.pValue, n: Math.min(r.n.current, r.n.reference) },
      });
    }
    return { bySeries, complete };
  }
  const { rows, complete } = await readSpan(
    async (before) => {
      const { points, truncated } = await queryMetrics(db, {
        endpoint: rule.endpoint,
        window: rule.window,
        trafficArm: 'live',
        since,
        until: new Date(before ?? lastCompleteStart + 1).toISOString(),
        limit: METRIC_PAGE,
      });
      // Only what the rule reads of each point is kept, not the points.
      const rows = points.map((p) => ({
        series: `v${p.modelVersion}/${p.servedEntity || '-'}`,
        window: { windowStart: p.windowStart, observation: alertObservation(p, rule.metric) },
      }));
      return { rows: rows.reverse(), more: truncated };
    },
    (r) => Date.parse(r.window.windowStart),
  );
  for (const r of rows.reverse()) add(r.series, r.window);
  return { bySeries, complete };
}
