import { UnauthenticatedError } from '@ragops/core';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { TokenAuthenticator } from './token-cache.ts';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The token of an `Authorization: Bearer <token>` header; undefined when absent or malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  return BEARER.exec(header ?? '')?.[1];
}

/**
 * Resolves `Authorization: Bearer <token>` to a principal (`c.get('principal')`) through the app's
 * token authenticator (the registry's `authenticate` behind a short-lived cache, see token-cache.ts);
 * a missing, malformed, unknown, expired or revoked token is a 401. Privileges are not checked here:
 * the service functions check them for the principal.
 */
export function bearerAuth(tokens: TokenAuthenticator): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) {
      throw new UnauthenticatedError('Missing bearer token: send "Authorization: Bearer <token>"');
    }
    const token = bearerToken(header);
    if (!token) {
      throw new UnauthenticatedError('Malformed Authorization header: use "Authorization: Bearer <token>"');
    }
    c.set('principal', await tokens.authenticate(token));
    await next();
  };
}
