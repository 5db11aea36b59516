import { type MetadataStore, type Page, type Principal, paginate, parseInput } from '@ragops/core';
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
  /** Only results of this model version (the dashboard's version filter). */
  modelVersion: z.number().int().positive().optional(),
  // Paged as every list is (core's paginate): the caller sets the page size, within the bound.
  pageSize: z.number().int().min(1).max(1000).default(200),
  pageToken: z.string().max(2000).optional(),
});
export type DriftReportQuery = z.input<typeof driftReportQuerySchema>;

/**
 * The stored drift results of an endpoint, newest window first, a page at a time (`pageSize`,
 * default 200, at most 1,000; `nextPageToken` while more match), for `ragops monitor drift`, REST
 * and the dashboard. Needs READ on every model the endpoint serves (as the metric tables do):
 * an unknown or invisible endpoint is NotFoundError, a denied one PermissionDeniedError naming what is missing.
 * @example const { items, nextPageToken } = await driftReport({ store, actor }, { endpoint: 'docs', metric: 'query_mmd' })
 */
export async function driftReport(
  ctx: { store: MetadataStore; actor: Principal },
  query: DriftReportQuery,
): Promise<Page<DriftResult>> {
  const q = parseInput(driftReportQuerySchema, query, 'drift report');
  await readableEndpoint(ctx, q.endpoint);
  return paginate(
    { pageSize: q.pageSize, ...(q.pageToken !== undefined && { pageToken: q.pageToken }) },
    (limit, offset) =>
      selectDriftResults(ctx.store, {
        endpoint: q.endpoint,
        limit,
        offset,
        ...(q.since !== undefined && { since: new Date(q.since).toISOString() }),
        ...(q.metric !== undefined && { metric: q.metric }),
        ...(q.modelVersion !== undefined && { modelVersion: q.modelVersion }),
      }),
  );
}
