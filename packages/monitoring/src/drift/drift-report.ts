import { type MetadataStore, type Principal, parseInput } from '@ragops/core';
import { z } from 'zod';
import { readableEndpoint } from '../access/readable-endpoint.ts';
import { DRIFT_METRICS, type DriftResult } from './drift-config.ts';
import { selectDriftResults } from './drift-store.ts';

const driftReportQuerySchema = z.strictObject({
  endpoint: z.string().min(1).max(100),
  /** Only results whose current window ends after this ISO time. */
  since: z.iso.datetime({ offset: true }).optional(),
  // A string in, checked against the metric names (CLI flags arrive as plain strings).
  metric: z.string().pipe(z.enum(DRIFT_METRICS)).optional(),
  limit: z.number().int().min(1).max(1000).default(200),
});
export type DriftReportQuery = z.input<typeof driftReportQuerySchema>;

/**
 * The stored drift results of an endpoint, newest window first, for `ragops monitor drift`, REST
 * and the dashboard. Needs READ on every model the endpoint serves (as the metric tables do):
 * an unknown or invisible endpoint is NotFoundError, a denied one PermissionDeniedError naming what is missing.
 * @example const rows = await driftReport({ store, actor }, { endpoint: 'docs', metric: 'query_mmd' })
 */
export async function driftReport(
  ctx: { store: MetadataStore; actor: Principal },
  query: DriftReportQuery,
): Promise<DriftResult[]> {
  const q = parseInput(driftReportQuerySchema, query, 'drift report');
  await readableEndpoint(ctx, q.endpoint);
  return selectDriftResults(ctx.store, {
    endpoint: q.endpoint,
    limit: q.limit,
    ...(q.since !== undefined && { since: new Date(q.since).toISOString() }),
    ...(q.metric !== undefined && { metric: q.metric }),
  });
}
