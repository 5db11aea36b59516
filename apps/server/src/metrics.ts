import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** One Prometheus registry per app instance (never prom-client's global), plus the HTTP metrics. */
export type ServerMetrics = {
  /** Add your own metrics here: `new Counter({ ..., registers: [metrics.registry] })`. */
  readonly registry: Registry;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  /**
   * What `GET /metrics` answers: this registry's text, or in a worker of a RAGOPS_WORKERS cluster
   * every worker's registry summed by the primary (cluster/cluster-metrics.ts), since a scrape
   * reaches one worker only.
   */
  text(): Promise<string>;
};

/**
 * Creates the registry with default process metrics and the HTTP request counter and histogram.
 * `scrape` replaces what text() answers (a cluster worker asks its primary for the whole server).
 */
export function createServerMetrics(options: { scrape?: (registry: Registry) => Promise<string> } = {}): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpRequests = new Counter({
    name: 'ragops_http_requests_total',
    help: 'HTTP requests handled, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'ragops_http_request_duration_seconds',
    help: 'HTTP request latency until the response headers are ready, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const { scrape } = options;
  return {
    registry,
    httpRequests,
    httpDuration,
    text: scrape ? () => scrape(registry) : () => registry.metrics(),
  };
}

/** The matched route pattern (never the raw URL: ids in paths would explode label cardinality). */
export function routeLabel(c: Parameters<MiddlewareHandler>[0]): string {
  const pattern = routePath(c, -1);
  return pattern === '*' || pattern === '/*' || pattern === '' ? 'unmatched' : pattern;
}

/** Counts and times every request by route pattern and status. */
export function httpMetrics(metrics: ServerMetrics): MiddlewareHandler {
  return async (c, next) => {
    const start = performance.now();
    await next();
    const labels = { method: c.req.method, route: routeLabel(c), status: String(c.res.status) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, (performance.now() - start) / 1000);
  };
}
