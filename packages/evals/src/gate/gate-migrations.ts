import type { MigrationSet } from '@ragops/core';

// Promotion decisions: one row per promote (passed, blocked, forced override or ungated), with the
// decision table and the eval runs it rests on. A set of its own (module `gate`), so the gate and
// the feedback tables of the evals set evolve without editing each other's migrations.
const sql = `
CREATE TABLE gate_decisions (
  id TEXT PRIMARY KEY,
  model_name TEXT NOT NULL,
  alias TEXT NOT NULL,
  candidate_version INTEGER NOT NULL,
  holder_version INTEGER,
  policy_hash TEXT,
  outcome TEXT NOT NULL,
  moved INTEGER NOT NULL,
  criteria TEXT NOT NULL,
  run_ids TEXT NOT NULL,
  reason TEXT NOT NULL,
  note TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX gate_decisions_model ON gate_decisions (model_name, alias, created_at);`;

/** The `gate` module's tables: gate_decisions. */
export const gateMigrationSet: MigrationSet = {
  module: 'gate',
  dependsOn: ['registry', 'evals'],
  migrations: [{ version: 1, name: 'promotion decisions', sql }],
};
