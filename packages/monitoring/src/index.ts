// @ragops/monitoring: metric tables over the inference table and feedback, drift, online judging,
// split-test decisions and alerts. Explicit named exports only (STYLE.md §1).

/** The one READ check every monitoring read makes (NotFoundError when invisible, PermissionDeniedError naming what is missing). */
export { readableEndpoint } from './access/readable-endpoint.ts';
/** Alert rules, webhooks (`monitoring.alerts`), evaluation after each refresh, signed delivery, state and history. */
export {
  type AlertCondition,
  type AlertRule,
  type AlertsConfig,
  type AlertsConfigInput,
  alertsConfigSchema,
  type Webhook,
} from './alerts/alert-config.ts';
export { type AlertEvaluator, createAlertEvaluator } from './alerts/alert-evaluator.ts';
export { ALERT_METRICS, type AlertMetric } from './alerts/alert-metrics.ts';
export type { AlertDelivery, AlertEvent, StoredAlertState } from './alerts/alert-store.ts';
export { alertsConfigFromSpec } from './alerts/alerts-from-spec.ts';
export { deliverWebhook, type WebhookDelivery, webhookSignature } from './alerts/deliver-webhook.ts';
export { type AlertState, evaluateAlertRule } from './alerts/evaluate-alert-rule.ts';
export { type AlertsReport, type EvaluateAlertsOptions, evaluateAlerts } from './alerts/evaluate-alerts.ts';
export { type AlertsView, type ListAlertsQuery, listAlerts } from './alerts/list-alerts.ts';
/** Two-sample statistics behind drift, with seeded permutation p-values (pure; benches reuse them). */
export { centroidDistanceTest } from './drift/centroid-test.ts';
/** Drift of query embeddings, retrieval scores, relevance and topic vs a baseline and the previous window (`monitoring.drift`). */
export { type ComputeDriftOptions, computeDrift } from './drift/compute-drift.ts';
export {
  DRIFT_COMPARISONS,
  DRIFT_METRICS,
  DRIFT_VERDICTS,
  type DriftConfig,
  type DriftConfigInput,
  type DriftMetric,
  type DriftResult,
  driftConfigSchema,
  lastCompleteWindow,
  type TimeWindow,
} from './drift/drift-config.ts';
export { type DriftReportQuery, driftReport } from './drift/drift-report.ts';
export { createDriftRunner, type DriftRunner } from './drift/drift-runner.ts';
export { ksTest } from './drift/ks-test.ts';
export { mmdTest, type TwoSampleTest } from './drift/mmd-test.ts';
export { DEFAULT_PSI_EDGES, psiTest } from './drift/psi.ts';
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
/** Online judging of sampled live traffic off the request path, within a budget (`monitoring.onlineJudging`). */
export { indexPassages } from './online-judging/judge-item.ts';
export {
  createOnlineJudging,
  type JudgingPass,
  type OnlineJudging,
  type OnlineJudgingOptions,
} from './online-judging/online-judging.ts';
export {
  type OnlineJudgingConfig,
  type OnlineJudgingConfigInput,
  onlineJudgingConfigSchema,
} from './online-judging/online-judging-config.ts';
/** Split tests: the always-valid confidence sequence, decisions, per-arm report and its gate criterion. */
export {
  type ArmMoments,
  mixtureConfidenceSequence,
  momentsFromSums,
  proportionMoments,
  type SequentialInterval,
} from './split-test/confidence-sequence.ts';
export {
  decideSplitTest,
  SPLIT_TEST_DECISIONS,
  type SplitMetric,
  type SplitTestDecision,
  type SplitTestOutcome,
} from './split-test/split-test-decision.ts';
export { type SplitTestGateCriterion, splitTestGateCriterion } from './split-test/split-test-gate.ts';
/** The gate's split-test criterion for `promote({ externalCriteria })` (CLI and REST pass it). */
export { splitTestGateEvidence } from './split-test/split-test-gate-evidence.ts';
export {
  type ArmSummary,
  type SplitTestQuery,
  type SplitTestRecommendation,
  splitTestReport,
} from './split-test/split-test-report.ts';
/** The `monitoring_ops` module's tables (drift, online-judging ledger, alerts). */
export { monitoringOpsMigrationSet } from './store/monitoring-ops-migrations.ts';
