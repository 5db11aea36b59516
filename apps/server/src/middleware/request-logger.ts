import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { ServerLogger } from '../logger.ts';
import { routeLabel } from '../metrics.ts';

/**
 * Gives each request a child logger carrying its requestId (`c.var.logger`) and logs one line when
 * it finishes. Only method, route pattern, path, status and duration: never headers (tokens) or bodies.
 */
export function requestLogger(logger: ServerLogger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const start = performance.now();
    const log = logger.child({ requestId: c.get('requestId') });
    c.set('logger', log);
    await next();
    const status = c.res.status;
    const fields = {
      method: c.req.method,
      route: routeLabel(c),
      path: c.req.path,
      status,
      durationMs: Math.round((performance.now() - start) * 100) / 100,
    };
    // Probes and scrapes would drown the log at info.
    if (c.req.path === '/healthz' || c.req.path === '/readyz' || c.req.path === '/metrics')
      log.debug(fields, 'request');
    else log.info(fields, 'request');
  };
}
