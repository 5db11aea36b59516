import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  earliestInferenceTime,
  inferenceTimesOf,
  type MetadataStore,
  type MonitoringSpec,
  scanInferenceRows,
} from '@ragops/core';
import { type FeedbackSignal, inferenceFeedbackSignals } from '@ragops/evals';
import { judgedRequestTimes, judgeScoresByRequest } from './judge-score-store.ts';
import { MetricGrouper, type WindowSelection } from './metric-grouper.ts';
import { deleteMetricWindows, insertMetricRows, readWatermarks, writeWatermark } from './metric-store.ts';
import { holdsLease, releaseLease, takeLease } from './refresh-lease.ts';
import { isoOf, WINDOW_MS, WINDOW_SIZES, type WindowSize, windowStartMs } from './windows.ts';

export type RefreshOptions = {
  store: MetadataStore;
  spec: MonitoringSpec;
  /** The refresh's clock (tests pin it). Default: now. */
  now?: Date;
  /** Default: every size. */
  sizes?: readonly WindowSize[];
  /** Only the sizes whose last refresh is at least `refresh.sizeIntervalSeconds` old (the schedule's choice). */
  dueOnly?: boolean;
  /** Who takes the lease. Default: host:pid:random. */
  holder?: string;
  /** How long the lease lasts without renewal; a refresher that dies frees it after this. Default 10 min. */
  leaseTtlMs?: number;
  pageSize?: number;
};

export type RefreshReport =
  | { status: 'busy'; heldBy: string; until: string }
  | {
      status: 'refreshed';
      /** Inference rows read (the incremental cost). */
      rowsRead: number;
      metricRows: number;
      sizes: { size: WindowSize; from: string; completeBefore: string; windowsWritten: number; staleWindows: number }[];
      durationMs: number;
    };

type Plan = { size: WindowSize; fromMs: number; completeBeforeMs: number; stale: Set<number> };

/**
 * Refreshes the metric tables incrementally: per window size, the windows from its watermark on
 * (the incomplete ones and those completed since the last refresh), plus older windows whose
 * requests got feedback or an online judge score since then. One refresher at a time (a lease row);
 * a busy lease returns `busy` without reading anything. Rows are replaced in one transaction with
 * the watermarks, so readers never see half a refresh. Inference rows arriving after their window
 * was completed (past `graceSeconds`) are not counted: raise the grace if the log lags more.
 */
export async function refreshMetrics(o: RefreshOptions): Promise<RefreshReport> {
  const started = performance.now();
  const now = o.now ?? new Date();
  const holder = o.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const ttlMs = o.leaseTtlMs ?? 600_000;
  const lease = await takeLease(o.store, { holder, now, ttlMs });
  if (!lease.taken) return { status: 'busy', heldBy: lease.holder, until: lease.expiresAt };
  // The refresh's clock: `now` plus the time spent, so a pinned `now` (tests) and the lease agree.
  const clock = () => new Date(now.getTime() + (performance.now() - started));
  let renewedAt = performance.now();
  // A long first refresh (years of rows) keeps its lease: renewed every third of its lifetime.
  const renew = async () => {
    if (performance.now() - renewedAt < ttlMs / 3) return;
    renewedAt = performance.now();
    await takeLease(o.store, { holder, now: clock(), ttlMs });
  };
  try {
    const sizes = o.dueOnly ? await dueSizes(o, now) : (o.sizes ?? WINDOW_SIZES);
    if (sizes.length === 0) return { status: 'refreshed', rowsRead: 0, metricRows: 0, sizes: [], durationMs: 0 };
    const plans = await plan({ ...o, sizes }, now);
    const scanFromMs = Math.min(...plans.map((p) => p.fromMs));
    const staleStarts = plans.flatMap((p) => [...p.stale]);
    const earliest = Math.min(scanFromMs, ...staleStarts);
    // Feedback on a request is never older than the request, so a window's feedback is found from its start.
    const feedback = groupByRequest(await inferenceFeedbackSignals(o.store, { createdSince: isoOf(earliest) }));
    const judged = await judgeScoresByRequest(o.store, isoOf(earliest));
    const computedAt = now.toISOString();
    const grouper = (selections: WindowSelection[]) =>
      new MetricGrouper({ spec: o.spec, selections, feedback, judged, computedAt });

    const fresh = grouper(plans.map((p) => ({ size: p.size, fromMs: p.fromMs })));
    for await (const page of scanInferenceRows(o.store, scan(scanFromMs, now.getTime() + 1, o.pageSize))) {
      fresh.add(page);
      await renew();
      // SQLite answers synchronously: without a macrotask between pages a refresh in the server would
      // hold the event loop (and every request) for the whole scan (~40 s per 1M rows at 25k rows/s).
      await yieldToEventLoop();
    }
    const stale = grouper(plans.map((p) => ({ size: p.size, startsMs: p.stale })));
    for (const [from, until] of mergedRanges(plans)) {
      for await (const page of scanInferenceRows(o.store, scan(from, until, o.pageSize))) {
        stale.add(page);
        await renew();
        await yieldToEventLoop();
      }
    }
    const rows = [...fresh.finish(), ...stale.finish()];
    await o.store.transaction(async (tx) => {
      if (!(await holdsLease(tx, { holder, now: clock() }))) {
        throw new Error('the metrics refresh lease expired before the write: raise leaseTtlMs');
      }
      for (const p of plans) {
        await deleteMetricWindows(tx, { size: p.size, fromIso: isoOf(p.fromMs) });
        for (const start of p.stale) await deleteMetricWindows(tx, { size: p.size, startIso: isoOf(start) });
        await writeWatermark(tx, { size: p.size, completeBefore: isoOf(p.completeBeforeMs), refreshedAt: computedAt });
      }
      await insertMetricRows(tx, rows);
    });
    return {
      status: 'refreshed',
      rowsRead: fresh.rowsRead + stale.rowsRead,
      metricRows: rows.length,
      sizes: plans.map((p) => ({
        size: p.size,
        from: isoOf(p.fromMs),
        completeBefore: isoOf(p.completeBeforeMs),
        windowsWritten: new Set(rows.filter((r) => r.windowSize === p.size).map((r) => r.windowStart)).size,
        staleWindows: p.stale.size,
      })),
      durationMs: performance.now() - started,
    };
  } finally {
    await releaseLease(o.store, { holder, now: clock() });
  }
}

async function dueSizes(o: RefreshOptions, now: Date): Promise<WindowSize[]> {
  const watermarks = await readWatermarks(o.store);
  return (o.sizes ?? WINDOW_SIZES).filter((size) => {
    const last = watermarks.get(size)?.refreshedAt;
    return last === undefined || now.getTime() - Date.parse(last) >= o.spec.refresh.sizeIntervalSeconds[size] * 1000;
  });
}

async function plan(o: RefreshOptions & { sizes: readonly WindowSize[] }, now: Date): Promise<Plan[]> {
  const graceMs = o.spec.refresh.graceSeconds * 1000;
  const watermarks = await readWatermarks(o.store);
  const earliest = await earliestInferenceTime(o.store);
  const sizes = o.sizes;
  // Late feedback and judge scores since the oldest previous refresh (less the grace: a row stamped
  // just before that refresh may have committed just after it).
  const previous = sizes.map((s) => watermarks.get(s)?.refreshedAt).filter((t) => t !== undefined);
  const lateSince = previous.length === 0 ? undefined : isoOf(Math.min(...previous.map(Date.parse)) - graceMs);
  const lateTimes =
    lateSince === undefined
      ? []
      : [
          ...(
            await inferenceTimesOf(o.store, [
              ...new Set(
                (await inferenceFeedbackSignals(o.store, { updatedSince: lateSince })).map((f) => f.requestId),
              ),
            ])
          ).values(),
          ...(await judgedRequestTimes(o.store, lateSince)),
        ].map(Date.parse);
  return sizes.map((size) => {
    const completeBeforeMs = windowStartMs(now.getTime() - graceMs, size);
    const mark = watermarks.get(size)?.completeBefore;
    const fromMs =
      mark !== undefined
        ? Date.parse(mark)
        : earliest !== undefined
          ? windowStartMs(Date.parse(earliest), size)
          : completeBeforeMs;
    const stale = new Set(lateTimes.map((t) => windowStartMs(t, size)).filter((start) => start < fromMs));
    return {
      size,
      fromMs: Math.min(fromMs, completeBeforeMs),
      completeBeforeMs: Math.max(fromMs, completeBeforeMs),
      stale,
    };
  });
}

const scan = (fromMs: number, untilMs: number, pageSize: number | undefined) => ({
  since: isoOf(fromMs),
  until: isoOf(untilMs),
  ...(pageSize !== undefined && { pageSize }),
});

/** The stale windows of every size as disjoint [from, until) ranges (a stale day covers its stale hours). */
function mergedRanges(plans: readonly Plan[]): [number, number][] {
  const ranges = plans
    .flatMap((p) => [...p.stale].map((start): [number, number] => [start, start + WINDOW_MS[p.size]]))
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  return merged;
}

function groupByRequest(signals: readonly FeedbackSignal[]): Map<string, FeedbackSignal[]> {
  const byRequest = new Map<string, FeedbackSignal[]>();
  for (const s of signals) {
    const list = byRequest.get(s.requestId) ?? [];
    list.push(s);
    byRequest.set(s.requestId, list);
  }
  return byRequest;
}
