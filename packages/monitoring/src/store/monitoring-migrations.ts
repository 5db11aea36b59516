import type { MigrationSet } from '@ragops/core';

// Drift results, online judge verdicts and alert state. JSON columns are TEXT; DOUBLE PRECISION is
// REAL in SQLite. Metric tables (brief F) append their own versions to this set.
const driftAlertsJudging = `
CREATE TABLE monitoring_drift (
  id TEXT PRIMARY KEY,
  endpoint TEXT NOT NULL,
  model_name TEXT NOT NULL,
  model_version INTEGER NOT NULL,
  metric TEXT NOT NULL,
  comparison TEXT NOT NULL,
  current_start TEXT NOT NULL,
  current_end TEXT NOT NULL,
  reference_start TEXT NOT NULL,
  reference_end TEXT NOT NULL,
  n_current INTEGER NOT NULL,
  n_reference INTEGER NOT NULL,
  statistic DOUBLE PRECISION,
  threshold DOUBLE PRECISION,
  p_value DOUBLE PRECISION,
  verdict TEXT NOT NULL,
  detail TEXT NOT NULL,
  computed_at TEXT NOT NULL
);
CREATE INDEX monitoring_drift_window ON monitoring_drift (endpoint, current_end);
CREATE TABLE monitoring_online_judgments (
  request_id TEXT NOT NULL,
  inference_seq INTEGER NOT NULL,
  judge TEXT NOT NULL,
  judge_kind TEXT NOT NULL,
  judge_version TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  served_entity TEXT,
  model_name TEXT,
  model_version INTEGER,
  ts TEXT NOT NULL,
  score DOUBLE PRECISION,
  error TEXT,
  cost_usd DOUBLE PRECISION NOT NULL,
  judged_at TEXT NOT NULL,
  PRIMARY KEY (inference_seq, judge)
);
CREATE INDEX monitoring_online_judgments_ts ON monitoring_online_judgments (endpoint, ts);
CREATE TABLE monitoring_online_judging_cursor (
  endpoint TEXT PRIMARY KEY,
  last_seq INTEGER NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE monitoring_alert_state (
  rule TEXT NOT NULL,
  series TEXT NOT NULL,
  state TEXT NOT NULL,
  breach_since TEXT,
  value DOUBLE PRECISION,
  changed_at TEXT NOT NULL,
  evaluated_at TEXT NOT NULL,
  PRIMARY KEY (rule, series)
);
CREATE TABLE monitoring_alert_events (
  id TEXT PRIMARY KEY,
  rule TEXT NOT NULL,
  series TEXT NOT NULL,
  state TEXT NOT NULL,
  value DOUBLE PRECISION,
  threshold TEXT NOT NULL,
  message TEXT NOT NULL,
  delivery TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX monitoring_alert_events_rule ON monitoring_alert_events (rule, created_at);`;

/**
 * The `monitoring` module's tables: drift results, online judgments (+ the tailing cursor), alert
 * state and history. Apps open the store with it after evals' sets.
 */
export const monitoringMigrationSet: MigrationSet = {
  module: 'monitoring',
  dependsOn: ['serving'],
  migrations: [{ version: 1, name: 'drift, online judgments, alerts', sql: driftAlertsJudging }],
};
