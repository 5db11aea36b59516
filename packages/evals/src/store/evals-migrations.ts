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

/** The `evals` module's tables: eval_runs, eval_run_rows, eval_verdict_cache. */
export const evalsMigrationSet: MigrationSet = {
  module: 'evals',
  dependsOn: ['registry'],
  migrations: [{ version: 1, name: 'eval runs, rows and verdict cache', sql }],
};
