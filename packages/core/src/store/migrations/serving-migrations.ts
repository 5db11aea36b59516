import type { MigrationSet } from '../migration-set.ts';

// Endpoints (name → served entities, as validated JSON config) and the inference table: one row per
// served request (live or shadow), typed columns so monitoring can filter and aggregate in SQL.
// Portable SQL except the row sequence (AUTOINCREMENT vs BIGSERIAL). DOUBLE PRECISION is REAL in SQLite.
const endpoints = `
CREATE TABLE serving_endpoints (
  name TEXT PRIMARY KEY,
  description TEXT NOT NULL,
  config TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
);`;

const inferenceColumns = `
  request_id TEXT NOT NULL,
  ts TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  served_entity TEXT,
  traffic_arm TEXT NOT NULL,
  assignment TEXT,
  model_uri TEXT,
  model_name TEXT,
  model_version INTEGER,
  index_name TEXT,
  index_version INTEGER,
  prompt_sha256 TEXT,
  llm_provider TEXT,
  llm_model TEXT,
  status TEXT NOT NULL,
  http_status INTEGER NOT NULL,
  error_code TEXT,
  error_message TEXT,
  latency_total_ms DOUBLE PRECISION NOT NULL,
  latency_retrieval_ms DOUBLE PRECISION,
  latency_generation_ms DOUBLE PRECISION,
  ttft_ms DOUBLE PRECISION,
  tokens_in INTEGER,
  tokens_out INTEGER,
  tokens_source TEXT,
  cost_usd DOUBLE PRECISION,
  finish_reason TEXT,
  stream INTEGER NOT NULL,
  caller TEXT,
  sticky_key TEXT,
  request_messages TEXT,
  answer TEXT,
  retrieved TEXT
);
CREATE INDEX inference_rows_endpoint_ts ON inference_rows (endpoint, ts);
CREATE INDEX inference_rows_ts ON inference_rows (ts);
CREATE INDEX inference_rows_request_id ON inference_rows (request_id);`;

export const migrationSet: MigrationSet = {
  module: 'serving',
  dependsOn: ['registry'],
  migrations: [
    {
      version: 1,
      name: 'endpoints and inference table',
      sql: {
        sqlite: `${endpoints}\nCREATE TABLE inference_rows (\n  seq INTEGER PRIMARY KEY AUTOINCREMENT,${inferenceColumns}`,
        postgres: `${endpoints}\nCREATE TABLE inference_rows (\n  seq BIGSERIAL PRIMARY KEY,${inferenceColumns}`,
      },
    },
    {
      version: 2,
      name: 'lineage links of existing endpoints',
      // Endpoints record their links (serves/shadows → model URI) since this version; these are the
      // links of endpoints created before it, read from their stored config. PostgreSQL's JSON
      // operators refuse a \u0000 escape (a NUL in a free-text field), so those are dropped first.
      sql: {
        sqlite: `
INSERT INTO lineage_links (version_uri, kind, ref, relation, created_at)
SELECT json_extract(s.value, '$.model'), 'endpoint', e.name, 'serves', e.updated_at
FROM serving_endpoints e, json_each(e.config, '$.served') s WHERE true
ON CONFLICT DO NOTHING;
INSERT INTO lineage_links (version_uri, kind, ref, relation, created_at)
SELECT json_extract(e.config, '$.shadow.model'), 'endpoint', e.name, 'shadows', e.updated_at
FROM serving_endpoints e WHERE json_extract(e.config, '$.shadow.model') IS NOT NULL
ON CONFLICT DO NOTHING;`,
        postgres: `
INSERT INTO lineage_links (version_uri, kind, ref, relation, created_at)
SELECT s.value->>'model', 'endpoint', e.name, 'serves', e.updated_at
FROM serving_endpoints e, json_array_elements(replace(e.config, '\\u0000', '')::json->'served') s
ON CONFLICT DO NOTHING;
INSERT INTO lineage_links (version_uri, kind, ref, relation, created_at)
SELECT replace(e.config, '\\u0000', '')::json->'shadow'->>'model', 'endpoint', e.name, 'shadows', e.updated_at
FROM serving_endpoints e WHERE replace(e.config, '\\u0000', '')::json->'shadow'->>'model' IS NOT NULL
ON CONFLICT DO NOTHING;`,
      },
    },
    {
      version: 3,
      name: 'inference rows record an LLM fallback',
      // `provider/model` of the chain's own LLM when a fallback answered; NULL in older rows.
      sql: {
        sqlite: 'ALTER TABLE inference_rows ADD COLUMN llm_fallback_from TEXT;',
        postgres: 'ALTER TABLE inference_rows ADD COLUMN llm_fallback_from TEXT;',
      },
    },
    {
      version: 4,
      name: 'inference rows record their source',
      // How the request came in: `http` (the server), `in-process` (@ragops/langchain) or `batch`.
      // Every row written before this version came through the server, hence the default.
      sql: "ALTER TABLE inference_rows ADD COLUMN source TEXT NOT NULL DEFAULT 'http';",
    },
  ],
};
