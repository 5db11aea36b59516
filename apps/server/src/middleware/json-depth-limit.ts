import { assertJsonDepth } from '@ragops/core';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';

/**
 * Refuses JSON bodies nested deeper than MAX_JSON_DEPTH (64) with a 400 naming the path, before any
 * route's schema or recursive code sees them. It parses through hono's body cache, so the route's
 * validator reuses this parse instead of reading the body again. Malformed JSON passes through: the
 * validator answers it with its own "malformed JSON" 400.
 */
export function jsonDepthLimit(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD' || method === 'DELETE') return next();
    if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(c.req.header('content-type') ?? '')) return next();
    const parsed = await c.req.json().then(
      (value: unknown) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    if (parsed.ok) assertJsonDepth(parsed.value, { where: 'body' });
    return next();
  };
}
