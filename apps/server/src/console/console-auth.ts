import { authenticate, type MetadataStore, RagopsError } from '@ragops/core';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppVariables } from '../app-env.ts';
import type { ConsoleSession, SessionSealer } from './console-session.ts';

/** Variables of console requests: the app's, plus the open session. */
export type ConsoleEnv = { Variables: AppVariables & { session: ConsoleSession; csrf: string } };

/** The session cookie (HttpOnly, SameSite=Strict, Path=/console, Secure when served over https). */
export const SESSION_COOKIE = 'ragops_console';

const isHttps = (c: Context) => new URL(c.req.url).protocol === 'https:';

/** Writes the sealed session; the cookie expires with the session. */
export function writeSessionCookie(c: Context, sealer: SessionSealer, session: ConsoleSession): void {
  setCookie(c, SESSION_COOKIE, sealer.seal(session), {
    httpOnly: true,
    sameSite: 'Strict',
    secure: isHttps(c),
    path: '/console',
    maxAge: Math.max(1, Math.floor((session.expiresAtMs - Date.now()) / 1000)),
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/console', secure: isHttps(c) });
}

/**
 * The principal of a console request, or undefined: the cookie must open (ours, unaltered, not
 * expired) and its token must still authenticate (not revoked, not expired) — the API's own check.
 */
export async function sessionPrincipal(c: Context, deps: { store: MetadataStore; sealer: SessionSealer }) {
  const value = getCookie(c, SESSION_COOKIE);
  const session = value === undefined ? undefined : deps.sealer.open(value);
  if (!session) return undefined;
  try {
    return { session, principal: await authenticate(deps.store, session.token) };
  } catch (err) {
    if (RagopsError.isInstance(err) && err.code === 'unauthenticated') return undefined;
    throw err;
  }
}

/**
 * Guards the signed-in pages: without a valid session a GET goes to the sign-in page (with `next`),
 * anything else is a 401. With one, sets `principal`, `session` and its `csrf` token, and refuses
 * a state-changing request whose form lacks the session's CSRF token (403; the Origin check ran first).
 */
export function requireSession(deps: { store: MetadataStore; sealer: SessionSealer }): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    const found = await sessionPrincipal(c, deps);
    if (!found) {
      if (getCookie(c, SESSION_COOKIE) !== undefined) clearSessionCookie(c);
      if (c.req.method === 'GET' || c.req.method === 'HEAD') {
        const next = new URL(c.req.url);
        return c.redirect(`/console/sign-in?next=${encodeURIComponent(next.pathname + next.search)}`, 303);
      }
      return c.text('Sign in first: your console session is missing or has ended.', 401);
    }
    c.set('principal', found.principal);
    c.set('session', found.session);
    c.set('csrf', deps.sealer.csrfToken(found.session));
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const form = await c.req.parseBody();
      const given = typeof form._csrf === 'string' ? form._csrf : '';
      if (!deps.sealer.checkCsrf(found.session, given)) {
        return c.text('Refused: this form lacks a valid CSRF token. Reload the page and try again.', 403);
      }
    }
    await next();
  };
}
