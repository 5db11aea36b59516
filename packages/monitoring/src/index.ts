// @ragops/monitoring: metric tables over the inference table and feedback, drift, online judging,
// split-test decisions and alerts. Explicit named exports only (STYLE.md §1).

/** Stored online judge scores (one per request × judge): online judging writes them, the refresher aggregates them. */
export { type OnlineJudgeScore, upsertJudgeScores } from './metrics/judge-score-store.ts';
/** Read metric points with rates and Wilson intervals: `ragops monitor show` and the REST API. */
export {
  type MetricPoint,
  type MetricQuery,
  metricQuerySchema,
  queryMetrics,
  type Rate,
} from './metrics/metric-query.ts';
/** The server's interval refresher: off the request path, one run at a time, stopped on shutdown. */
export { type MetricRefresher, startMetricRefresher } from './metrics/metric-refresher.ts';
/** The shape of a stored metric row (counts and sums per window × endpoint × version × arm × slice). */
export type { FeedbackCounts, MetricKey, MetricRow, Percentiles } from './metrics/metric-row.ts';
export { SCORE_BIN_EDGES } from './metrics/metric-row.ts';
/** Every module's migrations (core, evals, monitoring) for a store the apps open. */
export { ragopsMigrationSets } from './metrics/migration-sets.ts';
/** The `monitoring` module's tables. */
export { monitoringMigrationSet } from './metrics/monitoring-migrations.ts';
/** Incremental refresh of the metric tables under a lease (one refresher across replicas). */
export { type RefreshOptions, type RefreshReport, refreshMetrics } from './metrics/refresh-metrics.ts';
/** Window sizes (UTC-aligned) of the metric tables. */
export { WINDOW_MS, WINDOW_SIZES, type WindowSize } from './metrics/windows.ts';
