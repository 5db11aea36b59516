import type { MigrationSet } from '@ragops/core';

// Drift results, the online-judging ledger (every judge call, scored or failed, with its cost; the
// scores themselves go to the metric tables' monitor_judge_scores) and its tailing cursor, alert
// state and history. A set of its own (module `monitoring_ops`), as the gate's is beside evals', so
// the metric tables and these evolve without editing each other's migrations. JSON columns are
// TEXT; DOUBLE PRECISION is REAL in SQLite.
const driftJudgingAlerts = `
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
CREATE TABLE monitoring_judging_ledger (
  request_id TEXT NOT NULL,
  judge TEXT NOT NULL,
  judge_kind TEXT NOT NULL,
  judge_version TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  served_entity TEXT,
  model_name TEXT,
  model_version INTEGER,
  request_ts TEXT NOT NULL,
  score DOUBLE PRECISION,
  error TEXT,
  cost_usd DOUBLE PRECISION NOT NULL,
  judged_at TEXT NOT NULL,
  PRIMARY KEY (request_id, judge)
);
CREATE INDEX monitoring_judging_ledger_judged_at ON monitoring_judging_ledger (judged_at);
CREATE TABLE monitoring_judging_cursor (
  name TEXT PRIMARY KEY,
  last_seq INTEGER NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE monitoring_alert_state (
  rule TEXT NOT NULL,
  series TEXT NOT NULL,
  endpoint TEXT NOT NULL,
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
  endpoint TEXT NOT NULL,
  window_start TEXT,
  state TEXT NOT NULL,
  value DOUBLE PRECISION,
  condition TEXT NOT NULL,
  message TEXT NOT NULL,
  delivery TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX monitoring_alert_events_rule ON monitoring_alert_events (rule, created_at);`;

/**
 * The `monitoring_ops` module's tables: drift results, the online-judging ledger and cursor, alert
 * state and events. Opened after the `monitoring` set (its judge-score table is written alongside).
 */
export const monitoringOpsMigrationSet: MigrationSet = {
  module: 'monitoring_ops',
  dependsOn: ['monitoring'],
  migrations: [{ version: 1, name: 'drift results, online-judging ledger, alerts', sql: driftJudgingAlerts }],
};
