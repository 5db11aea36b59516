import type { StoredInferenceRow } from '@ragops/core';
import { type BasicType, parquetWriteFile } from 'hyparquet-writer';

type Column = { name: string; type: BasicType; value: (r: StoredInferenceRow) => unknown };

const json = (v: unknown) => (v === null ? null : JSON.stringify(v));

// One typed Parquet column per inference-table column, so a dataframe or a warehouse reads them
// as numbers, timestamps and booleans. Messages and retrieved chunks stay JSON text.
const COLUMNS: Column[] = [
  { name: 'seq', type: 'INT64', value: (r) => BigInt(r.seq) },
  { name: 'request_id', type: 'STRING', value: (r) => r.requestId },
  { name: 'ts', type: 'TIMESTAMP', value: (r) => new Date(r.ts) },
  { name: 'endpoint', type: 'STRING', value: (r) => r.endpoint },
  { name: 'source', type: 'STRING', value: (r) => r.source },
  { name: 'served_entity', type: 'STRING', value: (r) => r.servedEntity },
  { name: 'traffic_arm', type: 'STRING', value: (r) => r.trafficArm },
  { name: 'assignment', type: 'STRING', value: (r) => r.assignment },
  { name: 'model_uri', type: 'STRING', value: (r) => r.modelUri },
  { name: 'model_name', type: 'STRING', value: (r) => r.modelName },
  { name: 'model_version', type: 'INT32', value: (r) => r.modelVersion },
  { name: 'index_name', type: 'STRING', value: (r) => r.indexName },
  { name: 'index_version', type: 'INT32', value: (r) => r.indexVersion },
  { name: 'prompt_sha256', type: 'STRING', value: (r) => r.promptSha256 },
  { name: 'llm_provider', type: 'STRING', value: (r) => r.llmProvider },
  { name: 'llm_model', type: 'STRING', value: (r) => r.llmModel },
  { name: 'status', type: 'STRING', value: (r) => r.status },
  { name: 'http_status', type: 'INT32', value: (r) => r.httpStatus },
  { name: 'error_code', type: 'STRING', value: (r) => r.errorCode },
  { name: 'error_message', type: 'STRING', value: (r) => r.errorMessage },
  { name: 'latency_total_ms', type: 'DOUBLE', value: (r) => r.latencyTotalMs },
  { name: 'latency_retrieval_ms', type: 'DOUBLE', value: (r) => r.latencyRetrievalMs },
  { name: 'latency_generation_ms', type: 'DOUBLE', value: (r) => r.latencyGenerationMs },
  { name: 'ttft_ms', type: 'DOUBLE', value: (r) => r.ttftMs },
  { name: 'tokens_in', type: 'INT32', value: (r) => r.tokensIn },
  { name: 'tokens_out', type: 'INT32', value: (r) => r.tokensOut },
  { name: 'tokens_source', type: 'STRING', value: (r) => r.tokensSource },
  { name: 'cost_usd', type: 'DOUBLE', value: (r) => r.costUsd },
  { name: 'finish_reason', type: 'STRING', value: (r) => r.finishReason },
  { name: 'stream', type: 'BOOLEAN', value: (r) => r.stream },
  { name: 'caller', type: 'STRING', value: (r) => r.caller },
  { name: 'sticky_key', type: 'STRING', value: (r) => r.stickyKey },
  { name: 'request_messages', type: 'STRING', value: (r) => json(r.requestMessages) },
  { name: 'answer', type: 'STRING', value: (r) => r.answer },
  { name: 'retrieved', type: 'STRING', value: (r) => json(r.retrieved) },
];

/**
 * Writes inference rows as one Parquet file (snappy, typed columns). Holds the rows in memory:
 * export a time window (`--since`/`--until`) when the table is large.
 */
export function writeInferenceParquet(rows: readonly StoredInferenceRow[], filename: string): void {
  parquetWriteFile({
    filename,
    columnData: COLUMNS.map((c) => ({ name: c.name, type: c.type, data: rows.map(c.value) as never })),
  });
}
