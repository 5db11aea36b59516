import { z } from 'zod';
import { parseInput } from '../errors/parse-input.ts';
import type { SqlExecutor, SqlRow, SqlValue } from '../store/metadata-store.ts';
import { type InferenceSource, retrievedChunkLogSchema } from './inference-row.ts';

/**
 * The typed columns of one inference row that monitoring aggregates: no request messages, the answer
 * only as its length (LENGTH counts characters on both backends), retrieved chunk scores only.
 */
export type InferenceMetricRow = {
  seq: number;
  requestId: string;
  ts: string;
  endpoint: string;
  /** `http`, `in-process` or `batch` (INFERENCE_SOURCES). */
  source: InferenceSource;
  servedEntity: string | null;
  trafficArm: 'live' | 'shadow';
  assignment: string | null;
  modelName: string | null;
  modelVersion: number | null;
  indexName: string | null;
  indexVersion: number | null;
  llmProvider: string | null;
  llmModel: string | null;
  llmFallbackFrom: string | null;
  status: 'ok' | 'error';
  httpStatus: number;
  errorCode: string | null;
  finishReason: string | null;
  stream: boolean;
  tokensSource: string | null;
  caller: string | null;
  latencyTotalMs: number;
  latencyRetrievalMs: number | null;
  latencyGenerationMs: number | null;
  ttftMs: number | null;
  tokensIn: number | null;
  tokensOut: number | null;
  costUsd: number | null;
  /** Characters of the answer; null when no answer was stored (an error, or content not sampled). */
  answerChars: number | null;
  /** Scores of the retrieved chunks, in rank order; null when retrieval did not run. */
  retrievalScores: number[] | null;
};

export const inferenceScanSchema = z.strictObject({
  /** Inclusive lower / exclusive upper bound on `ts` (ISO-8601). */
  since: z.iso.datetime({ offset: true }),
  until: z.iso.datetime({ offset: true }),
  endpoint: z.string().min(1).max(100).optional(),
  /** Rows per query (keyset pages on (ts, seq), so a page never re-reads the previous one). */
  pageSize: z.number().int().min(1).max(50_000).default(5_000),
});
export type InferenceScan = z.input<typeof inferenceScanSchema>;

const COLUMNS = `seq, request_id, ts, endpoint, source, served_entity, traffic_arm, assignment, model_name, model_version,
  index_name, index_version, llm_provider, llm_model, llm_fallback_from, status, http_status, error_code,
  finish_reason, stream, tokens_source, caller, latency_total_ms, latency_retrieval_ms, latency_generation_ms,
  ttft_ms, tokens_in, tokens_out, cost_usd, LENGTH(answer) AS answer_chars, retrieved`;

const num = (v: SqlValue | undefined) => (v === null || v === undefined ? null : Number(v));
const str = (v: SqlValue | undefined) => (v === null || v === undefined ? null : String(v));
const retrievedSchema = z.array(retrievedChunkLogSchema.pick({ score: true }));

function fromSql(row: SqlRow): InferenceMetricRow {
  const retrieved =
    row.retrieved === null || row.retrieved === undefined
      ? null
      : parseInput(retrievedSchema, JSON.parse(String(row.retrieved)), `inference row ${row.seq} retrieved`);
  return {
    seq: Number(row.seq),
    requestId: String(row.request_id),
    ts: String(row.ts),
    endpoint: String(row.endpoint),
    source: String(row.source) as InferenceSource,
    servedEntity: str(row.served_entity),
    trafficArm: String(row.traffic_arm) as InferenceMetricRow['trafficArm'],
    assignment: str(row.assignment),
    modelName: str(row.model_name),
    modelVersion: num(row.model_version),
    indexName: str(row.index_name),
    indexVersion: num(row.index_version),
    llmProvider: str(row.llm_provider),
    llmModel: str(row.llm_model),
    llmFallbackFrom: str(row.llm_fallback_from),
    status: String(row.status) as InferenceMetricRow['status'],
    httpStatus: Number(row.http_status),
    errorCode: str(row.error_code),
    finishReason: str(row.finish_reason),
    stream: Number(row.stream) === 1,
    tokensSource: str(row.tokens_source),
    caller: str(row.caller),
    latencyTotalMs: Number(row.latency_total_ms),
    latencyRetrievalMs: num(row.latency_retrieval_ms),
    latencyGenerationMs: num(row.latency_generation_ms),
    ttftMs: num(row.ttft_ms),
    tokensIn: num(row.tokens_in),
    tokensOut: num(row.tokens_out),
    costUsd: num(row.cost_usd),
    answerChars: num(row.answer_chars),
    retrievalScores: retrieved?.map((c) => c.score) ?? null,
  };
}

/**
 * Streams inference rows with `since <= ts < until` in (ts, seq) order, one page at a time: the
 * monitoring refresher's reader (memory stays one page, whatever the range holds).
 * @example for await (const page of scanInferenceRows(store, { since, until })) accumulate(page)
 */
export async function* scanInferenceRows(db: SqlExecutor, scan: InferenceScan): AsyncGenerator<InferenceMetricRow[]> {
  const s = parseInput(inferenceScanSchema, scan, 'inference scan');
  const since = new Date(s.since).toISOString();
  const until = new Date(s.until).toISOString();
  const endpoint = s.endpoint === undefined ? '' : ' AND endpoint = ?';
  let after: { ts: string; seq: number } | undefined;
  for (;;) {
    const params: SqlValue[] = [since, until, ...(s.endpoint === undefined ? [] : [s.endpoint])];
    const cursor = after ? ' AND (ts > ? OR (ts = ? AND seq > ?))' : '';
    if (after) params.push(after.ts, after.ts, after.seq);
    const rows = await db.all(
      `SELECT ${COLUMNS} FROM inference_rows WHERE ts >= ? AND ts < ?${endpoint}${cursor} ORDER BY ts, seq LIMIT ${s.pageSize}`,
      params,
    );
    if (rows.length === 0) return;
    const page = rows.map(fromSql);
    yield page;
    if (rows.length < s.pageSize) return;
    const last = page[page.length - 1]!;
    after = { ts: last.ts, seq: last.seq };
  }
}

/** The `ts` of each given request id that has an inference row (late feedback finds its window this way). */
export async function inferenceTimesOf(db: SqlExecutor, requestIds: readonly string[]): Promise<Map<string, string>> {
  const times = new Map<string, string>();
  // 500 ids per query: far below both backends' bound-parameter limits.
  for (let i = 0; i < requestIds.length; i += 500) {
    const ids = requestIds.slice(i, i + 500);
    const rows = await db.all(
      `SELECT request_id, ts, endpoint FROM inference_rows WHERE request_id IN (${ids.map(() => '?').join(', ')})`,
      ids,
    );
    for (const r of rows) times.set(String(r.request_id), String(r.ts));
  }
  return times;
}

/** The `ts` of the oldest inference row, or undefined for an empty table (where a first refresh starts). */
export async function earliestInferenceTime(db: SqlExecutor): Promise<string | undefined> {
  const row = await db.get('SELECT MIN(ts) AS ts FROM inference_rows');
  return row?.ts === null || row?.ts === undefined ? undefined : String(row.ts);
}
