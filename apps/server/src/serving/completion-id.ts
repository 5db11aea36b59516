import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { ServerLogger } from '../logger.ts';

/**
 * Serving requests get an id of ours: it becomes the completion id (`chatcmpl-<id>`,
 * `ragops.request_id`), the inference row's requestId (what feedback names) and the response's
 * `x-request-id`, as OpenAI's API returns its own. A client-sent `x-request-id` was echoed as the
 * completion id, so any client could mint ids that collide with (or pose as) another's completions;
 * it is now kept only as `clientRequestId` in the request's log lines, for correlation. Without a
 * client header the id hono's request-id middleware generated is already ours and is kept.
 */
export function ownCompletionId(root: ServerLogger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const clientRequestId = c.req.header('x-request-id');
    if (clientRequestId !== undefined) {
      const id = randomUUID();
      c.set('requestId', id);
      c.header('x-request-id', id);
      c.set('logger', root.child({ requestId: id, clientRequestId }));
    }
    await next();
  };
}
