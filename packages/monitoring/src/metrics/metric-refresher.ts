import type { Logger, MetadataStore, MonitoringSpec } from '@ragops/core';
import { type RefreshReport, refreshMetrics } from './refresh-metrics.ts';

/**
 * Inference rows per scan page in the server: the refresh yields to the event loop between pages,
 * so a smaller page is a shorter stall of the requests beside it, for more queries. Measured on
 * SQLite (a refresh of 60k fresh rows, the event loop's longest delay; 2-core machine, load ~2):
 * 1,000 rows a page stalled 15–36 ms for a 0.73 s refresh, 250 rows 8.4–8.7 ms for 1.0 s, 100
 * rows 7.2–7.4 ms for 1.6 s (the rest of a stall is not the scan). A serving p99 is worth more than
 * a background refresh's 0.3 s.
 */
const SERVER_PAGE_SIZE = 250;

/** A running interval refresher; `stop()` clears the timer and waits for a refresh in progress. */
export type MetricRefresher = {
  /** Refreshes finished since start (busy leases included). */
  readonly runs: number;
  readonly lastReport: RefreshReport | undefined;
  stop(): Promise<void>;
};

/**
 * Refreshes the metric tables every `intervalSeconds` of `spec.refresh` on a timer (each window size
 * when due by `sizeIntervalSeconds`), never on a
 * request's path: one run at a time in this process (a tick during a run is skipped) and across
 * replicas (the lease: a replica that finds it held reports `busy`). A failed run is logged and the
 * next tick tries again. The timer is unref'd, so it never holds the process open.
 * @example const refresher = startMetricRefresher({ store, spec, logger }); onShutdown(() => refresher.stop())
 */
export function startMetricRefresher(args: {
  store: MetadataStore;
  spec: MonitoringSpec;
  logger: Logger;
  onReport?: (report: RefreshReport) => void;
}): MetricRefresher {
  const intervalMs = args.spec.refresh.intervalSeconds * 1000;
  let running: Promise<void> | undefined;
  let stopped = false;
  let runs = 0;
  let lastReport: RefreshReport | undefined;
  const tick = () => {
    if (running || stopped) return;
    running = refreshMetrics({ store: args.store, spec: args.spec, dueOnly: true, pageSize: SERVER_PAGE_SIZE })
      .then((report) => {
        runs++;
        lastReport = report;
        args.onReport?.(report);
        if (report.status === 'refreshed') {
          args.logger.info('metrics refreshed', {
            rowsRead: report.rowsRead,
            metricRows: report.metricRows,
            durationMs: Math.round(report.durationMs),
          });
        } else args.logger.debug('metrics refresh skipped: lease held', { heldBy: report.heldBy });
      })
      .catch((error: unknown) => args.logger.error('metrics refresh failed', { err: error }))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = intervalMs > 0 ? setInterval(tick, intervalMs) : undefined;
  timer?.unref();
  return {
    get runs() {
      return runs;
    },
    get lastReport() {
      return lastReport;
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
