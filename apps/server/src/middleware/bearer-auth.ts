import { authenticate, type MetadataStore, UnauthenticatedError } from '@ragops/core';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Resolves `Authorization: Bearer <token>` to a principal (`c.get('principal')`) through the
 * registry's `authenticate`; a missing, malformed, unknown, expired or revoked token is a 401.
 * Privileges are not checked here: the service functions check them for the principal.
 */
export function bearerAuth(store: MetadataStore): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) {
      throw new UnauthenticatedError('Missing bearer token: send "Authorization: Bearer <token>"');
    }
    const match = BEARER.exec(header);
    if (!match?.[1]) {
      throw new UnauthenticatedError('Malformed Authorization header: use "Authorization: Bearer <token>"');
    }
    c.set('principal', await authenticate(store, match[1]));
    await next();
  };
}
