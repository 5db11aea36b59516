import { parseInput, type SqlExecutor, type SqlValue } from '@ragops/core';
import { type MeanInterval, wilsonInterval } from '@ragops/evals';
import { z } from 'zod';
import type { MetricRow } from './metric-row.ts';
import { metricRowFromSql } from './metric-store.ts';
import { WINDOW_MS, WINDOW_SIZES } from './windows.ts';

const name = z.string().min(1).max(100);

/** Filters of `ragops monitor show` and GET /api/v1/monitoring/endpoints/{name}/metrics (the dashboard's query). */
export const metricQuerySchema = z.strictObject({
  endpoint: name,
  window: z.enum(WINDOW_SIZES).default('1h'),
  /** Windows starting at or after / before these ISO times. */
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  version: z.coerce.number().int().min(0).optional(),
  /** The served entity (arm) name, e.g. `champion`. */
  arm: name.optional(),
  trafficArm: z.enum(['live', 'shadow']).optional(),
  /** `all` (unsliced) or a slice named in `monitoring.slices`. */
  slice: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,62}$/, 'a slice name from monitoring.slices, or all')
    .default('all'),
  sliceValue: z.string().max(200).optional(),
  /** Newest windows first are kept when more match; at most 5000 points. */
  limit: z.coerce.number().int().min(1).max(5_000).default(500),
});
export type MetricQuery = z.input<typeof metricQuerySchema>;

/** A rate with its Wilson 95% interval and sample size; null when the denominator is 0. */
export type Rate = MeanInterval | null;
const rate = (k: number, n: number): Rate => (n > 0 ? wilsonInterval(k, n) : null);

/** One metric row as readers see it: the stored counts plus rates with intervals and per-request means. */
export type MetricPoint = MetricRow & {
  windowEnd: string;
  errorRate: Rate;
  emptyRetrievalRate: Rate;
  fallbackRate: Rate;
  endUserApproval: Rate;
  reviewerApproval: Rate;
  costPerRequestUsd: number | null;
};

function toPoint(row: MetricRow): MetricPoint {
  return {
    ...row,
    windowEnd: new Date(Date.parse(row.windowStart) + WINDOW_MS[row.windowSize]).toISOString(),
    errorRate: rate(row.errorCount, row.requestCount),
    emptyRetrievalRate: rate(row.emptyRetrievalCount, row.retrievalCount),
    fallbackRate: rate(row.fallbackCount, row.requestCount),
    endUserApproval: rate(row.endUserFeedback.approved, row.endUserFeedback.rated),
    reviewerApproval: rate(row.reviewerFeedback.approved, row.reviewerFeedback.rated),
    costPerRequestUsd: row.requestCount > 0 ? row.costUsdSum / row.requestCount : null,
  };
}

/**
 * Metric points of one endpoint, oldest window first. Not authorized here: the CLI reads the local
 * store; the API checks READ on the endpoint first.
 */
export async function queryMetrics(
  db: SqlExecutor,
  query: MetricQuery,
): Promise<{ points: MetricPoint[]; truncated: boolean }> {
  const q = parseInput(metricQuerySchema, query, 'metric query');
  const where = ['window_size = ?', 'endpoint = ?', 'slice = ?'];
  const params: SqlValue[] = [q.window, q.endpoint, q.slice];
  const add = (sql: string, value: SqlValue) => {
    where.push(sql);
    params.push(value);
  };
  if (q.since !== undefined) add('window_start >= ?', new Date(q.since).toISOString());
  if (q.until !== undefined) add('window_start < ?', new Date(q.until).toISOString());
  if (q.version !== undefined) add('model_version = ?', q.version);
  if (q.arm !== undefined) add('served_entity = ?', q.arm);
  if (q.trafficArm !== undefined) add('traffic_arm = ?', q.trafficArm);
  if (q.sliceValue !== undefined) add('slice_value = ?', q.sliceValue);
  // limit + 1 tells whether more matched; newest first so the cut drops the oldest windows.
  const rows = await db.all(
    `SELECT * FROM monitor_metrics WHERE ${where.join(' AND ')}
     ORDER BY window_start DESC, model_version, served_entity, traffic_arm, slice_value LIMIT ${q.limit + 1}`,
    params,
  );
  const truncated = rows.length > q.limit;
  const points = rows.slice(0, q.limit).map(metricRowFromSql).map(toPoint);
  points.sort((a, b) => a.windowStart.localeCompare(b.windowStart));
  return { points, truncated };
}
