import type { MigrationSet } from '@ragops/core';

// The metric tables: one row per window size × window start × endpoint × served version × arm
// (served entity, live/shadow) × slice value. Counts and sums are stored, not rates, so readers
// derive rates with intervals and the sample size beside them. NOT NULL keys use 0 / '' for "none"
// (a request that failed before an arm was picked) because a primary key cannot hold NULL.
// Maps (error codes, score histogram, judge scores, custom metrics) are JSON text.
const metrics = `
CREATE TABLE monitor_metrics (
  window_size TEXT NOT NULL,
  window_start TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  model_version INTEGER NOT NULL,
  served_entity TEXT NOT NULL,
  traffic_arm TEXT NOT NULL,
  slice TEXT NOT NULL,
  slice_value TEXT NOT NULL,
  model_name TEXT,
  request_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL,
  error_codes TEXT NOT NULL,
  latency_total_p50 DOUBLE PRECISION,
  latency_total_p95 DOUBLE PRECISION,
  latency_total_p99 DOUBLE PRECISION,
  latency_retrieval_p50 DOUBLE PRECISION,
  latency_retrieval_p95 DOUBLE PRECISION,
  latency_retrieval_p99 DOUBLE PRECISION,
  latency_generation_p50 DOUBLE PRECISION,
  latency_generation_p95 DOUBLE PRECISION,
  latency_generation_p99 DOUBLE PRECISION,
  ttft_p50 DOUBLE PRECISION,
  ttft_p95 DOUBLE PRECISION,
  ttft_p99 DOUBLE PRECISION,
  tokens_in_sum INTEGER NOT NULL,
  tokens_out_sum INTEGER NOT NULL,
  cost_usd_sum DOUBLE PRECISION NOT NULL,
  retrieval_count INTEGER NOT NULL,
  empty_retrieval_count INTEGER NOT NULL,
  retrieval_score_mean DOUBLE PRECISION,
  retrieval_top_score_mean DOUBLE PRECISION,
  retrieval_score_hist TEXT NOT NULL,
  answer_count INTEGER NOT NULL,
  answer_chars_mean DOUBLE PRECISION,
  answer_chars_p95 DOUBLE PRECISION,
  fallback_count INTEGER NOT NULL,
  end_user_feedback_count INTEGER NOT NULL,
  end_user_rated_count INTEGER NOT NULL,
  end_user_approved_count INTEGER NOT NULL,
  reviewer_feedback_count INTEGER NOT NULL,
  reviewer_rated_count INTEGER NOT NULL,
  reviewer_approved_count INTEGER NOT NULL,
  judge_scores TEXT NOT NULL,
  custom TEXT NOT NULL,
  computed_at TEXT NOT NULL,
  PRIMARY KEY (window_size, endpoint, window_start, model_version, served_entity, traffic_arm, slice, slice_value)
);
CREATE TABLE monitor_watermarks (
  window_size TEXT PRIMARY KEY,
  complete_before TEXT NOT NULL,
  refreshed_at TEXT NOT NULL
);
CREATE TABLE monitor_leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE TABLE monitor_judge_scores (
  request_id TEXT NOT NULL,
  judge TEXT NOT NULL,
  score DOUBLE PRECISION NOT NULL,
  request_ts TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  judged_at TEXT NOT NULL,
  PRIMARY KEY (request_id, judge)
);
CREATE INDEX monitor_judge_scores_request_ts ON monitor_judge_scores (request_ts);
CREATE INDEX monitor_judge_scores_judged_at ON monitor_judge_scores (judged_at);`;

/**
 * The `monitoring` module's tables: metric rows, one refresh watermark per window size, the refresh
 * lease (one refresher across replicas) and online judge scores (one per request × judge, written by
 * online judging, aggregated into the metric rows of the request's windows).
 */
export const monitoringMigrationSet: MigrationSet = {
  module: 'monitoring',
  dependsOn: ['serving', 'evals'],
  migrations: [{ version: 1, name: 'metric tables, watermarks, refresh lease, online judge scores', sql: metrics }],
};
