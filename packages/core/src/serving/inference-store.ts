import { z } from 'zod';
import { parseInput } from '../errors/parse-input.ts';
import { filterTextSchema } from '../names/filter-text.ts';
import type { SqlExecutor, SqlRow, SqlValue } from '../store/metadata-store.ts';
import { INFERENCE_COLUMNS, INFERENCE_SOURCES, type InferenceRow, type StoredInferenceRow } from './inference-row.ts';

// 35 columns × 400 rows stays under SQLite's 32 766 bound variables (and PostgreSQL's 65 535).
const ROWS_PER_STATEMENT = 400;
const COLUMN_LIST = INFERENCE_COLUMNS.map(([column]) => column).join(', ');
const ROW_PLACEHOLDERS = `(${INFERENCE_COLUMNS.map(() => '?').join(', ')})`;

function toSql(row: InferenceRow): SqlValue[] {
  return INFERENCE_COLUMNS.map(([, key]) => {
    const value = row[key];
    if (value === null || value === undefined) return null;
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (typeof value === 'object') return JSON.stringify(value);
    return value;
  });
}

/** Inserts rows with multi-row INSERTs inside the caller's transaction (one round trip per 400 rows). */
export async function insertInferenceRows(tx: SqlExecutor, rows: readonly InferenceRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const batch = rows.slice(i, i + ROWS_PER_STATEMENT);
    await tx.run(
      `INSERT INTO inference_rows (${COLUMN_LIST}) VALUES ${batch.map(() => ROW_PLACEHOLDERS).join(', ')}`,
      batch.flatMap(toSql),
    );
  }
}

/** Filters of `ragops inference query|tail|export` and the monitoring reader. */
export const inferenceQuerySchema = z.strictObject({
  endpoint: filterTextSchema(100).optional(),
  /** Only rows with seq greater than this (tailing). */
  afterSeq: z.number().int().nonnegative().optional(),
  /** ISO times, inclusive lower / exclusive upper bound on `ts`. */
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  status: z.enum(['ok', 'error']).optional(),
  source: z.enum(INFERENCE_SOURCES).optional(),
  trafficArm: z.enum(['live', 'shadow']).optional(),
  modelName: filterTextSchema(500).optional(),
  modelVersion: z.number().int().positive().optional(),
  /** The arm that answered (the endpoint's served entity). */
  servedEntity: filterTextSchema(100).optional(),
  requestId: filterTextSchema(200).optional(),
  /** Default 100, at most 100 000 (exports page through with afterSeq). */
  limit: z.number().int().min(1).max(100_000).default(100),
  /** `asc` (oldest first; tailing, export) or `desc` (newest first). */
  order: z.enum(['asc', 'desc']).default('asc'),
});
export type InferenceQuery = z.input<typeof inferenceQuerySchema>;

const num = (v: SqlValue | undefined) => (v === null || v === undefined ? null : Number(v));
const str = (v: SqlValue | undefined) => (v === null || v === undefined ? null : String(v));
const json = (v: SqlValue | undefined) => (v === null || v === undefined ? null : JSON.parse(String(v)));

function fromSql(row: SqlRow): StoredInferenceRow {
  return {
    seq: Number(row.seq),
    requestId: String(row.request_id),
    ts: String(row.ts),
    endpoint: String(row.endpoint),
    source: String(row.source) as StoredInferenceRow['source'],
    servedEntity: str(row.served_entity),
    trafficArm: String(row.traffic_arm) as StoredInferenceRow['trafficArm'],
    assignment: str(row.assignment) as StoredInferenceRow['assignment'],
    modelUri: str(row.model_uri),
    modelName: str(row.model_name),
    modelVersion: num(row.model_version),
    indexName: str(row.index_name),
    indexVersion: num(row.index_version),
    promptSha256: str(row.prompt_sha256),
    llmProvider: str(row.llm_provider),
    llmModel: str(row.llm_model),
    llmFallbackFrom: str(row.llm_fallback_from),
    status: String(row.status) as StoredInferenceRow['status'],
    httpStatus: Number(row.http_status),
    errorCode: str(row.error_code),
    errorMessage: str(row.error_message),
    latencyTotalMs: Number(row.latency_total_ms),
    latencyRetrievalMs: num(row.latency_retrieval_ms),
    latencyGenerationMs: num(row.latency_generation_ms),
    ttftMs: num(row.ttft_ms),
    tokensIn: num(row.tokens_in),
    tokensOut: num(row.tokens_out),
    tokensSource: str(row.tokens_source),
    costUsd: num(row.cost_usd),
    finishReason: str(row.finish_reason),
    stream: Number(row.stream) === 1,
    caller: str(row.caller),
    stickyKey: str(row.sticky_key),
    requestMessages: json(row.request_messages),
    answer: str(row.answer),
    retrieved: json(row.retrieved),
  };
}

/**
 * Reads inference rows by filter, in `seq` order. Not authorized here: callers (CLI with the local
 * store, the API for admins or endpoint managers) decide who may read request content.
 */
export async function queryInferenceRows(db: SqlExecutor, query: InferenceQuery = {}): Promise<StoredInferenceRow[]> {
  const q = parseInput(inferenceQuerySchema, query, 'inference query');
  const where: string[] = [];
  const params: SqlValue[] = [];
  const add = (sql: string, value: SqlValue) => {
    where.push(sql);
    params.push(value);
  };
  if (q.endpoint !== undefined) add('endpoint = ?', q.endpoint);
  if (q.afterSeq !== undefined) add('seq > ?', q.afterSeq);
  if (q.since !== undefined) add('ts >= ?', new Date(q.since).toISOString());
  if (q.until !== undefined) add('ts < ?', new Date(q.until).toISOString());
  if (q.status !== undefined) add('status = ?', q.status);
  if (q.source !== undefined) add('source = ?', q.source);
  if (q.trafficArm !== undefined) add('traffic_arm = ?', q.trafficArm);
  if (q.modelName !== undefined) add('model_name = ?', q.modelName);
  if (q.modelVersion !== undefined) add('model_version = ?', q.modelVersion);
  if (q.servedEntity !== undefined) add('served_entity = ?', q.servedEntity);
  if (q.requestId !== undefined) add('request_id = ?', q.requestId);
  const sql = `SELECT * FROM inference_rows ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq ${
    q.order === 'asc' ? 'ASC' : 'DESC'
  } LIMIT ${q.limit}`;
  return (await db.all(sql, params)).map(fromSql);
}
