import { createRoute, z } from '@hono/zod-openapi';
import { metricQuerySchema, queryMetrics, readableEndpoint } from '@ragops/monitoring';
import type { AppContext, RagopsApp } from '../app-context.ts';
import { API_BASE } from './api-base.ts';
import { BEARER, COMMON_ERRORS, endpointName, jsonResponse, named, readContext } from './route-helpers.ts';

const tags = ['monitoring'];

const params = z.strictObject({
  name: endpointName('docs-qa', 'the serving endpoint'),
});
// The package's query schema (the CLI parses the same one), its endpoint taken from the path.
const query = named(metricQuerySchema.omit({ endpoint: true }), 'MetricQuery');

const rate = z.object({ mean: z.number(), low: z.number(), high: z.number(), n: z.number().int() }).nullable();
// The stored shape is zod-checked where it is read (the monitoring store); documented loosely here.
const MetricPointSchema = z
  .object({
    windowSize: z.enum(['5m', '1h', '1d']),
    windowStart: z.string(),
    windowEnd: z.string(),
    modelVersion: z.number().int(),
    servedEntity: z.string(),
    trafficArm: z.string(),
    slice: z.string(),
    sliceValue: z.string(),
    requestCount: z.number().int(),
    errorRate: rate,
    endUserApproval: rate,
    reviewerApproval: rate,
  })
  .loose()
  .openapi('MetricPoint');

const metrics = createRoute({
  method: 'get',
  path: `${API_BASE}/monitoring/endpoints/{name}/metrics`,
  tags,
  summary:
    "An endpoint's metric table, oldest window first: per window × version × arm × slice value, counts, latency percentiles, rates with Wilson 95% intervals (needs READ on the models it serves)",
  security: BEARER,
  request: { params, query },
  responses: {
    200: jsonResponse(
      'metric points',
      z
        .object({ endpoint: z.string(), points: z.array(MetricPointSchema), truncated: z.boolean() })
        .openapi('MetricTable'),
    ),
    ...COMMON_ERRORS,
  },
});

/** GET /api/v1/monitoring/endpoints/{name}/metrics: the metric tables the refresher writes. */
export function registerMonitoringRoutes(app: RagopsApp, ctx: AppContext): void {
  app.openapi(metrics, async (c) => {
    const { name } = c.req.valid('param');
    // 404 when the caller can see none of it; 403 naming what is missing when it may call but not READ.
    await readableEndpoint(readContext(c, ctx), name);
    const table = await queryMetrics(ctx.store, { ...c.req.valid('query'), endpoint: name });
    return c.json({ endpoint: name, ...table }, 200);
  });
}
