import { createRoute, z } from '@hono/zod-openapi';
import type { AppContext, RagopsApp } from '../app-context.ts';
import { errorBodySchema } from '../errors/error-response.ts';

const healthSchema = z.object({ status: z.literal('ok') }).openapi('Health');
const readySchema = z
  .object({ status: z.enum(['ready', 'unavailable']), checks: z.record(z.string(), z.string()) })
  .openapi('Readiness');

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['ops'],
  summary: 'Liveness: the process is up and serving HTTP',
  responses: { 200: { description: 'up', content: { 'application/json': { schema: healthSchema } } } },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['ops'],
  summary: 'Readiness: the metadata store answers',
  responses: {
    200: { description: 'ready', content: { 'application/json': { schema: readySchema } } },
    503: { description: 'a dependency is unavailable', content: { 'application/json': { schema: readySchema } } },
  },
});

const metrics = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['ops'],
  summary: 'Prometheus metrics (text exposition format); with RAGOPS_WORKERS > 1, summed over the workers',
  responses: {
    200: { description: 'metrics', content: { 'text/plain': { schema: z.string() } } },
    500: { description: 'collection failed', content: { 'application/json': { schema: errorBodySchema } } },
  },
});

/** `/healthz`, `/readyz` and `/metrics`: unauthenticated, for probes and scrapers on the private network. */
export function registerOpsRoutes(app: RagopsApp, ctx: AppContext): void {
  app.openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200));

  app.openapi(readyz, async (c) => {
    try {
      // The cheapest round trip both backends answer; a closed or unreachable store throws.
      await ctx.store.get('SELECT 1 AS ok');
      return c.json({ status: 'ready' as const, checks: { metadataStore: 'ok' } }, 200);
    } catch (err) {
      c.get('logger').warn({ err }, 'readiness check failed');
      // The reason stays in the log: it may name hosts or paths.
      return c.json({ status: 'unavailable' as const, checks: { metadataStore: 'unreachable' } }, 503);
    }
  });

  app.openapi(metrics, async (c) => {
    // With RAGOPS_WORKERS > 1 the whole server's series (summed over workers), not this worker's.
    const text = await ctx.metrics.text();
    return c.text(text, 200, { 'content-type': ctx.metrics.registry.contentType });
  });
}
