import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { ServerLogger } from '../logger.ts';
import { routeLabel } from '../metrics.ts';

/** Level of the one line per request (`RAGOPS_REQUEST_LOG_LEVEL`); probes and scrapes always log at debug. */
export type RequestLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Gives each request a child logger carrying its requestId (`c.var.logger`) and logs one line when
 * it finishes, at `level` (default info). Only requestId, method, route pattern, path, status and
 * duration: never headers (tokens) or bodies. The line is written by the root logger with the
 * requestId as a field (a child's first write costs more than the line itself), and its fields are
 * not even built when the level is off; at 1000 requests/s the line was a measurable share of CPU,
 * so busy deployments may set RAGOPS_REQUEST_LOG_LEVEL=debug and keep warnings and errors, which
 * always carry the requestId. The line skips the logger's redaction: its fields are fixed above.
 */
export function requestLogger(logger: ServerLogger, level: RequestLogLevel = 'info'): MiddlewareHandler<AppEnv> {
  // The line's fields are fixed and none is a secret by name, so the root's redaction (which copies
  // the object it checks: 2–3× the cost of the line) has nothing to find in it.
  const lineLogger = logger.child({}, { redact: [] });
  return async (c, next) => {
    const start = performance.now();
    const requestId = c.get('requestId');
    c.set('logger', logger.child({ requestId }));
    await next();
    // Probes and scrapes would drown the log at info.
    const lineLevel = QUIET_PATHS.has(c.req.path) ? 'debug' : level;
    if (lineLevel === 'silent' || !logger.isLevelEnabled(lineLevel)) return;
    // Serving replaces a client-sent id with its own (serving/completion-id.ts): log both.
    const ownId = c.get('requestId');
    lineLogger[lineLevel](
      {
        requestId: ownId,
        ...(ownId !== requestId && { clientRequestId: requestId }),
        method: c.req.method,
        route: routeLabel(c),
        path: c.req.path,
        status: c.res.status,
        durationMs: Math.round((performance.now() - start) * 100) / 100,
      },
      'request',
    );
  };
}
