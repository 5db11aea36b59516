import { randomBytes } from 'node:crypto';
import { authenticate, type MetadataStore, RagopsError } from '@ragops/core';
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { z } from 'zod';
import { type ConsoleEnv, clearSessionCookie, SESSION_COOKIE, writeSessionCookie } from './console-auth.ts';
import { csrfField, layout } from './console-layout.ts';
import type { SessionSealer } from './console-session.ts';

// Before sign-in there is no session to bind a CSRF token to: a short-lived random cookie stands in
// (double submit: the form carries its HMAC), so a foreign site cannot sign a browser into its token.
const PRE_COOKIE = 'ragops_console_pre';
const PRE_TTL_S = 30 * 60;

/** Where to go after sign-in: a console path only (never another origin: no open redirect). */
const nextSchema = z
  .string()
  .max(2000)
  .regex(/^\/console(?:[/?][^\s\\]*)?$/, 'must be a /console path')
  .refine((p) => !p.startsWith('//'), 'must be a /console path');

const signInForm = z.object({
  token: z.string().trim().min(1, 'paste an API token').max(200, 'is longer than any API token'),
  _csrf: z.string().max(200),
  next: z.string().max(2000).optional(),
});

const nextOf = (value: unknown) => {
  const parsed = nextSchema.safeParse(value);
  return parsed.success ? parsed.data : '/console/models';
};

function page(c: Context<ConsoleEnv>, sealer: SessionSealer, options: { next: string; error?: string }) {
  const nonce = randomBytes(16).toString('base64url');
  setCookie(c, PRE_COOKIE, nonce, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: new URL(c.req.url).protocol === 'https:',
    path: '/console/sign-in',
    maxAge: PRE_TTL_S,
  });
  const token = sealer.csrfToken({ token: '', sid: nonce, expiresAtMs: 0 });
  return layout({
    title: 'Sign in',
    body: html`<h1>Sign in</h1>
      <p>Paste an API token (<code>ragops tokens create</code>). The console sees what the token's principal may read.</p>
      ${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
      <form method="post" action="/console/sign-in" class="sign-in">
        ${csrfField(token)}
        <input type="hidden" name="next" value="${options.next}">
        <label>API token <input type="password" name="token" autocomplete="off" required maxlength="200" autofocus></label>
        <button type="submit">Sign in</button>
      </form>`,
  });
}

/** GET/POST /console/sign-in and POST /console/sign-out. */
export function registerSignIn(ui: Hono<ConsoleEnv>, deps: { store: MetadataStore; sealer: SessionSealer }): void {
  const { sealer } = deps;
  ui.get('/sign-in', (c) => c.html(page(c, sealer, { next: nextOf(c.req.query('next')) })));

  ui.post('/sign-in', async (c) => {
    const form = signInForm.safeParse(await c.req.parseBody());
    const nonce = getCookie(c, PRE_COOKIE);
    if (!form.success || nonce === undefined || !/^[A-Za-z0-9_-]{22}$/.test(nonce)) {
      const what = form.success ? 'the sign-in form expired or lacks its CSRF token' : form.error.issues[0]?.message;
      return c.html(page(c, sealer, { next: '/console/models', error: `Refused: ${what}. Try again.` }), 403);
    }
    if (!sealer.checkCsrf({ token: '', sid: nonce, expiresAtMs: 0 }, form.data._csrf)) {
      return c.html(page(c, sealer, { next: nextOf(form.data.next), error: 'Refused: CSRF token mismatch.' }), 403);
    }
    try {
      await authenticate(deps.store, form.data.token);
    } catch (err) {
      if (!RagopsError.isInstance(err) || err.code !== 'unauthenticated') throw err;
      c.get('logger').warn({ code: err.code }, 'console sign-in refused');
      return c.html(page(c, sealer, { next: nextOf(form.data.next), error: `Not signed in: ${err.message}.` }), 401);
    }
    deleteCookie(c, PRE_COOKIE, { path: '/console/sign-in' });
    writeSessionCookie(c, sealer, sealer.create(form.data.token));
    return c.redirect(nextOf(form.data.next), 303);
  });

  // Registered before the session guard: it checks the CSRF token itself, and clears a cookie whose
  // token was revoked meanwhile too. Sessions live in the cookie: sign-out everywhere = revoke the token.
  ui.post('/sign-out', async (c) => {
    const form = await c.req.parseBody();
    const value = getCookie(c, SESSION_COOKIE);
    const session = value === undefined ? undefined : sealer.open(value);
    if (session && !sealer.checkCsrf(session, typeof form._csrf === 'string' ? form._csrf : '')) {
      return c.text('Refused: this form lacks a valid CSRF token.', 403);
    }
    clearSessionCookie(c);
    return c.redirect('/console/sign-in', 303);
  });
}
