import type { SqlExecutor } from '@ragops/core';
import { selectDriftResults } from '../drift/drift-store.ts';
import { queryMetrics } from '../metrics/metric-query.ts';
import { WINDOW_MS } from '../metrics/windows.ts';
import type { AlertRule } from './alert-config.ts';
import { alertObservation } from './alert-metrics.ts';
import type { SeriesWindow } from './evaluate-alert-rule.ts';

const DRIFT_METRIC = /^drift:([a-z_]+)(?::(baseline|previous))?$/;

/**
 * The complete windows a rule looks at, per series, oldest first: metric-table rows of the
 * endpoint's live traffic per served version × arm (`v3/champion`), or, for `drift:<metric>[:vs]`,
 * the stored drift results' p-values per version (`v3`; n = the smaller side), so a rule such as
 * `{ metric: drift:query_mmd, condition: { below: 0.01 }, forWindows: 2 }` alerts on drift that persists.
 */
export async function readAlertSeries(
  db: SqlExecutor,
  rule: AlertRule,
  now: Date,
): Promise<Map<string, SeriesWindow[]>> {
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
    const rows = await selectDriftResults(db, { endpoint: rule.endpoint, metric: drift[1]!, since, limit: 1000 });
    for (const r of rows.reverse()) {
      const start = Date.parse(r.current.start);
      const sized = Date.parse(r.current.end) - start === windowMs;
      if (r.comparison !== comparison || !sized || start > lastCompleteStart) continue;
      add(`v${r.modelVersion}`, {
        windowStart: r.current.start,
        observation: { value: r.pValue, n: Math.min(r.n.current, r.n.reference) },
      });
    }
    return bySeries;
  }
  const { points } = await queryMetrics(db, {
    endpoint: rule.endpoint,
    window: rule.window,
    trafficArm: 'live',
    since,
    until: new Date(lastCompleteStart + 1).toISOString(),
  });
  for (const p of points) {
    add(`v${p.modelVersion}/${p.servedEntity || '-'}`, {
      windowStart: p.windowStart,
      observation: alertObservation(p, rule.metric),
    });
  }
  return bySeries;
}
