// The console's sessions, CSRF, headers and grants, in process (app.request): sign-in sets an
// HttpOnly SameSite=Strict cookie scoped to /console; forms without the CSRF token or from another
// origin are refused; a tampered cookie or a revoked token ends the session; pages escape stored text
// and show only what the principal may READ. On SQLite and PostgreSQL.
import { listTokens, readPrincipal, revokeToken, updateModel } from '@ragops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleFixture, startConsoleFixture } from './console-fixture.ts';
import { EVAL_MODEL } from './eval-fixture.ts';
import { testBackends } from './server-fixture.ts';

const ORIGIN = 'http://localhost';

/** What a browser does: GET the sign-in page (pre-session cookie + CSRF field), POST the form. */
async function signIn(f: ConsoleFixture, token: string, extra: { next?: string; origin?: string; csrf?: string } = {}) {
  const page = await f.app.request('/console/sign-in');
  const pre = page.headers.get('set-cookie')!.split(';')[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const body = new URLSearchParams({ token, _csrf: extra.csrf ?? csrf, ...(extra.next && { next: extra.next }) });
  return f.app.request('/console/sign-in', {
    method: 'POST',
    headers: { cookie: pre, origin: extra.origin ?? ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
}

const sessionCookie = (res: Response) =>
  res.headers
    .getSetCookie()
    .find((c) => c.startsWith('ragops_console='))
    ?.split(';')[0];

for (const backend of testBackends()) {
  describe(`console sessions (${backend})`, () => {
    let f: ConsoleFixture;
    beforeAll(async () => {
      f = await startConsoleFixture(backend, { rows: 3 });
    }, 120_000);
    afterAll(async () => f?.close());

    it('leads / to the console and an anonymous visitor to the sign-in page, with CSP and no framing', async () => {
      const root = await f.app.request('/');
      expect(root.status).toBe(302);
      expect(root.headers.get('location')).toBe('/console');
      const home = await f.app.request('/console');
      expect(home.status).toBe(303);
      expect(home.headers.get('location')).toBe('/console/sign-in?next=%2Fconsole');
      const page = await f.app.request('/console/sign-in');
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(await page.text()).toContain('<h1>Sign in</h1>');
    });

    it('signs in into an HttpOnly, SameSite=Strict cookie on /console (not Secure over http)', async () => {
      const res = await signIn(f, f.reader.token, { next: '/console/eval-runs' });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/console/eval-runs');
      const raw = res.headers.getSetCookie().find((c) => c.startsWith('ragops_console='))!;
      expect(raw).toMatch(/HttpOnly/);
      expect(raw).toMatch(/SameSite=Strict/);
      expect(raw).toMatch(/Path=\/console/);
      expect(raw).not.toMatch(/Secure/);
      expect(raw).not.toContain(f.reader.token);
      const models = await f.app.request('/console/models', { headers: { cookie: sessionCookie(res)! } });
      expect(models.status).toBe(200);
      expect(await models.text()).toContain(EVAL_MODEL);
    });

    it('refuses sign-in without the CSRF token, from another origin, or with a bad token; no cookie set', async () => {
      const noCsrf = await signIn(f, f.reader.token, { csrf: 'forged' });
      expect(noCsrf.status).toBe(403);
      expect(sessionCookie(noCsrf)).toBeUndefined();
      const foreign = await signIn(f, f.reader.token, { origin: 'https://evil.example' });
      expect(foreign.status).toBe(403);
      expect(sessionCookie(foreign)).toBeUndefined();
      const bad = await signIn(f, 'rgo_not-a-real-token');
      expect(bad.status).toBe(401);
      expect(await bad.text()).toContain('invalid, expired or revoked token');
      expect(sessionCookie(bad)).toBeUndefined();
    });

    it('never redirects off the console after sign-in (no open redirect)', async () => {
      for (const next of ['//evil.example/x', 'https://evil.example', '/console\\..\\evil', '/docs']) {
        const res = await signIn(f, f.reader.token, { next });
        expect(res.headers.get('location'), next).toBe('/console/models');
      }
    });

    it('ends the session for a tampered cookie and for a revoked token', async () => {
      const cookie = sessionCookie(await signIn(f, f.reader.token))!;
      const [name, value] = cookie.split('=') as [string, string];
      const flipped = `${name}=${value.slice(0, 20)}${value[20] === 'A' ? 'B' : 'A'}${value.slice(21)}`;
      const tampered = await f.app.request('/console/models', { headers: { cookie: flipped } });
      expect(tampered.status).toBe(303);
      expect(tampered.headers.get('location')).toMatch(/^\/console\/sign-in/);

      const { token } = await f.eval.principal('leaver', ['READ']);
      const leaverCookie = sessionCookie(await signIn(f, token))!;
      expect((await f.app.request('/console/models', { headers: { cookie: leaverCookie } })).status).toBe(200);
      const actor = await readPrincipal(f.eval.store, 'leaver');
      const [info] = (await listTokens({ store: f.eval.store, actor })).items;
      await revokeToken({ store: f.eval.store, actor, requestId: 'test', id: info!.id });
      const after = await f.app.request('/console/models', { headers: { cookie: leaverCookie } });
      expect(after.status).toBe(303);
    });

    it('refuses a signed-in form post without the session CSRF token (403) and signs out with it', async () => {
      const cookie = sessionCookie(await signIn(f, f.reader.token))!;
      const post = (body: Record<string, string>) =>
        f.app.request('/console/sign-out', {
          method: 'POST',
          headers: { cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(body),
        });
      expect((await post({})).status).toBe(403);
      const page = await (await f.app.request('/console/models', { headers: { cookie } })).text();
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
      const out = await post({ _csrf: csrf });
      expect(out.status).toBe(303);
      expect(out.headers.getSetCookie().some((c) => /^ragops_console=;/.test(c))).toBe(true);
    });

    it('shows a principal without READ none of the model: no list entry, 404 pages', async () => {
      const cookie = sessionCookie(await signIn(f, f.outsider.token))!;
      const list = await (await f.app.request('/console/models', { headers: { cookie } })).text();
      expect(list).not.toContain(EVAL_MODEL);
      expect(list).toContain('No models you may read');
      const runs = await (await f.app.request('/console/eval-runs', { headers: { cookie } })).text();
      expect(runs).not.toContain(f.run.id);
      for (const path of [
        `/console/models/${EVAL_MODEL}`,
        `/console/models/${EVAL_MODEL}/versions/1`,
        `/console/eval-runs/${f.run.id}`,
      ]) {
        const res = await f.app.request(path, { headers: { cookie } });
        expect(res.status, path).toBe(404);
        expect(await res.text(), path).not.toContain('docs_qa/1');
      }
    });

    it('escapes stored text and names bad input in a 400 page', async () => {
      const admin = await readPrincipal(f.eval.store, 'console_admin');
      await updateModel({
        store: f.eval.store,
        actor: admin,
        requestId: 'test',
        name: EVAL_MODEL,
        update: { description: '<script>alert(1)</script>' },
      });
      const cookie = sessionCookie(await signIn(f, f.reader.token))!;
      const page = await (await f.app.request('/console/models', { headers: { cookie } })).text();
      expect(page).not.toContain('<script>alert(1)</script>');
      expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      const bad = await f.app.request('/console/eval-runs/not-a-run', { headers: { cookie } });
      expect(bad.status).toBe(400);
      expect(await bad.text()).toMatch(/id.*er_0123456789ab/);
      const badQuery = await f.app.request('/console/models?colour=red', { headers: { cookie } });
      expect(badQuery.status).toBe(400);
    });
  });
}
