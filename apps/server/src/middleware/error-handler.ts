import type { ErrorHandler, NotFoundHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { errorResponse, mapError } from '../errors/error-response.ts';
import type { ServerLogger } from '../logger.ts';

/** The one error handler: maps any thrown value through STATUS_BY_CODE to the one JSON shape. */
export function errorHandler(fallbackLogger: ServerLogger): ErrorHandler<AppEnv> {
  return (err, c) => {
    const mapped = mapError(err);
    const log = c.get('logger') ?? fallbackLogger.child({ requestId: c.get('requestId') });
    // Caller mistakes at warn, our bugs and upstream failures at error (STYLE §4).
    if (mapped.status >= 500) log.error({ err, status: mapped.status, code: mapped.code }, 'request failed');
    else log.warn({ status: mapped.status, code: mapped.code, message: mapped.message }, 'request rejected');
    return errorResponse(c, mapped);
  };
}

/** JSON 404 for routes that do not exist, in the one error shape. */
export const notFoundHandler: NotFoundHandler<AppEnv> = (c) =>
  errorResponse(c, {
    status: 404,
    code: 'not_found',
    message: `No route for ${c.req.method} ${c.req.path}; see /openapi.json for the API`,
  });
