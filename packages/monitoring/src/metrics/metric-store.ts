import { parseInput, type SqlExecutor, type SqlRow, type SqlValue } from '@ragops/core';
import { z } from 'zod';
import type { MetricRow, Percentiles } from './metric-row.ts';
import type { WindowSize } from './windows.ts';

// SQL over the monitoring module's own tables only.
const COLUMNS = [
  'window_size',
  'window_start',
  'endpoint',
  'model_version',
  'served_entity',
  'traffic_arm',
  'slice',
  'slice_value',
  'model_name',
  'request_count',
  'error_count',
  'error_codes',
  'latency_total_p50',
  'latency_total_p95',
  'latency_total_p99',
  'latency_retrieval_p50',
  'latency_retrieval_p95',
  'latency_retrieval_p99',
  'latency_generation_p50',
  'latency_generation_p95',
  'latency_generation_p99',
  'ttft_p50',
  'ttft_p95',
  'ttft_p99',
  'tokens_in_sum',
  'tokens_out_sum',
  'cost_usd_sum',
  'retrieval_count',
  'empty_retrieval_count',
  'retrieval_score_mean',
  'retrieval_top_score_mean',
  'retrieval_score_hist',
  'answer_count',
  'answer_chars_mean',
  'answer_chars_p95',
  'fallback_count',
  'end_user_feedback_count',
  'end_user_rated_count',
  'end_user_approved_count',
  'reviewer_feedback_count',
  'reviewer_rated_count',
  'reviewer_approved_count',
  'judge_scores',
  'custom',
  'computed_at',
] as const;
// 45 columns × 20 rows = 900 parameters a statement: far below both backends' limits.
const ROWS_PER_STATEMENT = 20;
const PLACEHOLDERS = `(${COLUMNS.map(() => '?').join(', ')})`;

const p = (x: Percentiles) => [x.p50, x.p95, x.p99];

function toSql(r: MetricRow): SqlValue[] {
  return [
    r.windowSize,
    r.windowStart,
    r.endpoint,
    r.modelVersion,
    r.servedEntity,
    r.trafficArm,
    r.slice,
    r.sliceValue,
    r.modelName,
    r.requestCount,
    r.errorCount,
    JSON.stringify(r.errorCodes),
    ...p(r.latencyTotal),
    ...p(r.latencyRetrieval),
    ...p(r.latencyGeneration),
    ...p(r.ttft),
    r.tokensInSum,
    r.tokensOutSum,
    r.costUsdSum,
    r.retrievalCount,
    r.emptyRetrievalCount,
    r.retrievalScoreMean,
    r.retrievalTopScoreMean,
    JSON.stringify(r.retrievalScoreHist),
    r.answerCount,
    r.answerCharsMean,
    r.answerCharsP95,
    r.fallbackCount,
    r.endUserFeedback.count,
    r.endUserFeedback.rated,
    r.endUserFeedback.approved,
    r.reviewerFeedback.count,
    r.reviewerFeedback.rated,
    r.reviewerFeedback.approved,
    JSON.stringify(r.judgeScores),
    JSON.stringify(r.custom),
    r.computedAt,
  ];
}

/** Inserts metric rows inside the caller's transaction. */
export async function insertMetricRows(tx: SqlExecutor, rows: readonly MetricRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const batch = rows.slice(i, i + ROWS_PER_STATEMENT);
    await tx.run(
      `INSERT INTO monitor_metrics (${COLUMNS.join(', ')}) VALUES ${batch.map(() => PLACEHOLDERS).join(', ')}`,
      batch.flatMap(toSql),
    );
  }
}

/** Deletes the rows of windows of `size` starting at or after `fromIso`, or at exactly `startIso`. */
export async function deleteMetricWindows(
  tx: SqlExecutor,
  args: { size: WindowSize; fromIso: string } | { size: WindowSize; startIso: string },
): Promise<number> {
  const [op, value] = 'fromIso' in args ? ['>=', args.fromIso] : ['=', args.startIso];
  return (
    await tx.run(`DELETE FROM monitor_metrics WHERE window_size = ? AND window_start ${op} ?`, [args.size, value])
  ).changes;
}

const num = (v: SqlValue | undefined) => (v === null || v === undefined ? null : Number(v));
const countsSchema = z.record(z.string(), z.number());
const histSchema = z.array(z.number().int().nonnegative());
const judgeSchema = z.record(z.string(), z.object({ n: z.number().int(), mean: z.number() }));
const customSchema = z.record(z.string(), z.number().nullable());
const pct = (row: SqlRow, prefix: string): Percentiles => ({
  p50: num(row[`${prefix}_p50`]),
  p95: num(row[`${prefix}_p95`]),
  p99: num(row[`${prefix}_p99`]),
});

/** A stored metric row, its JSON columns zod-checked. */
export function metricRowFromSql(row: SqlRow): MetricRow {
  const where = `monitor_metrics ${row.window_size} ${row.window_start} ${row.endpoint}`;
  const json = <S extends z.ZodType>(schema: S, column: string): z.output<S> =>
    parseInput(schema, JSON.parse(String(row[column])), `${where} ${column}`);
  return {
    windowSize: String(row.window_size) as WindowSize,
    windowStart: String(row.window_start),
    endpoint: String(row.endpoint),
    modelVersion: Number(row.model_version),
    servedEntity: String(row.served_entity),
    trafficArm: String(row.traffic_arm),
    slice: String(row.slice),
    sliceValue: String(row.slice_value),
    modelName: row.model_name === null ? null : String(row.model_name),
    requestCount: Number(row.request_count),
    errorCount: Number(row.error_count),
    errorCodes: json(countsSchema, 'error_codes'),
    latencyTotal: pct(row, 'latency_total'),
    latencyRetrieval: pct(row, 'latency_retrieval'),
    latencyGeneration: pct(row, 'latency_generation'),
    ttft: pct(row, 'ttft'),
    tokensInSum: Number(row.tokens_in_sum),
    tokensOutSum: Number(row.tokens_out_sum),
    costUsdSum: Number(row.cost_usd_sum),
    retrievalCount: Number(row.retrieval_count),
    emptyRetrievalCount: Number(row.empty_retrieval_count),
    retrievalScoreMean: num(row.retrieval_score_mean),
    retrievalTopScoreMean: num(row.retrieval_top_score_mean),
    retrievalScoreHist: json(histSchema, 'retrieval_score_hist'),
    answerCount: Number(row.answer_count),
    answerCharsMean: num(row.answer_chars_mean),
    answerCharsP95: num(row.answer_chars_p95),
    fallbackCount: Number(row.fallback_count),
    endUserFeedback: {
      count: Number(row.end_user_feedback_count),
      rated: Number(row.end_user_rated_count),
      approved: Number(row.end_user_approved_count),
    },
    reviewerFeedback: {
      count: Number(row.reviewer_feedback_count),
      rated: Number(row.reviewer_rated_count),
      approved: Number(row.reviewer_approved_count),
    },
    judgeScores: json(judgeSchema, 'judge_scores'),
    custom: json(customSchema, 'custom'),
    computedAt: String(row.computed_at),
  };
}

/** Per window size: windows starting before `completeBefore` are final; when the last refresh started. */
export type Watermark = { size: WindowSize; completeBefore: string; refreshedAt: string };

export async function readWatermarks(db: SqlExecutor): Promise<Map<WindowSize, Watermark>> {
  const rows = await db.all('SELECT window_size, complete_before, refreshed_at FROM monitor_watermarks');
  return new Map(
    rows.map((r) => {
      const size = String(r.window_size) as WindowSize;
      return [size, { size, completeBefore: String(r.complete_before), refreshedAt: String(r.refreshed_at) }];
    }),
  );
}

export async function writeWatermark(tx: SqlExecutor, w: Watermark): Promise<void> {
  await tx.run(
    `INSERT INTO monitor_watermarks (window_size, complete_before, refreshed_at) VALUES (?, ?, ?)
     ON CONFLICT (window_size) DO UPDATE SET complete_before = excluded.complete_before, refreshed_at = excluded.refreshed_at`,
    [w.size, w.completeBefore, w.refreshedAt],
  );
}
