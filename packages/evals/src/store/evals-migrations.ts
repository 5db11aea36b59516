import type { MigrationSet } from '@ragops/core';

// Eval runs (a model version × a dataset content hash × judges), one row per scored dataset row, and
// the judge verdict cache. Contributed by this package, not core's folder: apps add it where they
// open the store (`openMetadataStore(url, { migrationSets: await ragopsMigrationSets() })`).
// JSON columns are TEXT; DOUBLE PRECISION is REAL in SQLite.
const sql = `
CREATE TABLE eval_runs (
  id TEXT PRIMARY KEY,
  model_uri TEXT NOT NULL,
  model_name TEXT NOT NULL,
  model_version INTEGER NOT NULL,
  dataset_name TEXT NOT NULL,
  dataset_hash TEXT NOT NULL,
  row_ids TEXT NOT NULL,
  judges TEXT NOT NULL,
  repeats INTEGER NOT NULL,
  status TEXT NOT NULL,
  rows_total INTEGER NOT NULL,
  aggregates TEXT,
  error TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX eval_runs_model ON eval_runs (model_name, model_version, created_at);
CREATE TABLE eval_run_rows (
  run_id TEXT NOT NULL REFERENCES eval_runs (id) ON DELETE CASCADE,
  row_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  status TEXT NOT NULL,
  tags TEXT NOT NULL,
  question TEXT NOT NULL,
  answer TEXT,
  retrieved TEXT NOT NULL,
  scores TEXT NOT NULL,
  error_code TEXT,
  error_message TEXT,
  latency_total_ms DOUBLE PRECISION NOT NULL,
  latency_retrieval_ms DOUBLE PRECISION,
  latency_generation_ms DOUBLE PRECISION,
  judge_ms DOUBLE PRECISION NOT NULL,
  tokens_in INTEGER,
  tokens_out INTEGER,
  judge_tokens_in INTEGER NOT NULL,
  judge_tokens_out INTEGER NOT NULL,
  cost_usd DOUBLE PRECISION,
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, row_id)
);
CREATE TABLE eval_verdict_cache (
  cache_key TEXT PRIMARY KEY,
  verdict TEXT NOT NULL,
  created_at TEXT NOT NULL
);`;

// Human feedback: the current feedback of each author on each item (unique per source × item ×
// author: a second submission replaces the first), every revision kept apart, and the stored judge
// calibrations (one row per judge version × judge model × criterion, replaced when recomputed).
// Model, version, endpoint and arm are copied from the item when feedback is first given, so
// aggregates never read another module's tables.
const feedback = `
CREATE TABLE feedback (
  id TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  target_kind TEXT NOT NULL,
  target_key TEXT NOT NULL,
  request_id TEXT,
  run_id TEXT,
  row_id TEXT,
  author TEXT NOT NULL,
  model_name TEXT NOT NULL,
  model_version INTEGER NOT NULL,
  endpoint TEXT,
  arm TEXT,
  rating_scale TEXT,
  rating_value INTEGER,
  approved INTEGER,
  labels TEXT NOT NULL,
  comment TEXT,
  corrected_answer TEXT,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (source, target_key, author)
);
CREATE INDEX feedback_model ON feedback (model_name, model_version, source);
CREATE INDEX feedback_target ON feedback (target_key);
CREATE TABLE feedback_revisions (
  feedback_id TEXT NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
  revision INTEGER NOT NULL,
  rating_scale TEXT,
  rating_value INTEGER,
  approved INTEGER,
  labels TEXT NOT NULL,
  comment TEXT,
  corrected_answer TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (feedback_id, revision)
);
CREATE TABLE judge_calibrations (
  judge_name TEXT NOT NULL,
  judge_version TEXT NOT NULL,
  judge_model TEXT NOT NULL,
  criterion TEXT NOT NULL,
  statistic TEXT NOT NULL,
  n INTEGER NOT NULL,
  value DOUBLE PRECISION,
  low DOUBLE PRECISION,
  high DOUBLE PRECISION,
  calibrated INTEGER NOT NULL,
  reason TEXT NOT NULL,
  computed_at TEXT NOT NULL,
  PRIMARY KEY (judge_name, judge_version, judge_model, criterion)
);`;

/** The `evals` module's tables: eval runs and rows, the verdict cache, feedback and judge calibrations. */
export const evalsMigrationSet: MigrationSet = {
  module: 'evals',
  dependsOn: ['registry'],
  migrations: [
    { version: 1, name: 'eval runs, rows and verdict cache', sql },
    { version: 2, name: 'feedback, its revisions and judge calibrations', sql: feedback },
    {
      version: 3,
      name: "Spearman's rho next to weighted kappa in judge calibrations",
      sql: `ALTER TABLE judge_calibrations ADD COLUMN spearman DOUBLE PRECISION;
ALTER TABLE judge_calibrations ADD COLUMN spearman_low DOUBLE PRECISION;
ALTER TABLE judge_calibrations ADD COLUMN spearman_high DOUBLE PRECISION;`,
    },
    {
      version: 4,
      // The export pages through reviewer feedback newest first: without it each page sorted every row.
      name: 'feedback by source and last change, for paging newest first',
      sql: 'CREATE INDEX feedback_updated ON feedback (source, updated_at, id);',
    },
  ],
};
