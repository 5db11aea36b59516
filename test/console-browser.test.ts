// The console in a real browser: Debian's headless Chromium driven by playwright-core (never a
// downloaded browser). Sign in through the form, open each page, check its heading and that its
// screenshot is a rendered page; a form posted without the CSRF token is refused; a principal
// without READ sees none of the model; no request ever leaves for a non-loopback origin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleBrowser, launchConsoleBrowser } from './console-browser-helpers.ts';
import { type ConsoleFixture, chromiumAvailable, startConsoleFixture } from './console-fixture.ts';
import { EVAL_MODEL } from './eval-fixture.ts';

describe.skipIf(!chromiumAvailable())('console in headless Chromium', () => {
  let f: ConsoleFixture;
  let b: ConsoleBrowser;

  beforeAll(async () => {
    [f, b] = await Promise.all([startConsoleFixture('sqlite', { rows: 6 }), launchConsoleBrowser()]);
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await f?.close();
    // Every request any page made went to the loopback server (data: and about: never hit a network).
    expect(b.foreignRequests()).toEqual([]);
    expect(b.requested.some((u) => u.endsWith('/console/assets/console.js'))).toBe(true);
    expect(b.pageErrors).toEqual([]);
  });
  const signedIn = (token: string) => b.signedIn(f.url, token);
  const expectRendered: ConsoleBrowser['expectRendered'] = (page, heading) => b.expectRendered(page, heading);

  it('signs in with a token and renders models, versions, lineage, eval runs and a run', async () => {
    const { context, page } = await signedIn(f.reader.token);
    await expectRendered(page, 'Models');
    await page.click(`a:text("${EVAL_MODEL}")`);
    await expectRendered(page, EVAL_MODEL);
    await page.click('td a:text-is("1")');
    await expectRendered(page, `models:/${EVAL_MODEL}/1`);
    expect(await page.locator(`a[href="/console/eval-runs/${f.run.id}"]`).count()).toBeGreaterThan(0);
    await page.goto(`${f.url}/console/eval-runs`);
    await expectRendered(page, 'Eval runs');
    await page.click(`a:text("${f.run.id}")`);
    await expectRendered(page, `Eval run ${f.run.id}`);
    // Metrics with mean, interval and n; one row per dataset row.
    const metric = page.locator('tr', { hasText: 'token_f1' }).first();
    expect(await metric.textContent()).toMatch(/\d\.\d{3}\s*\[\d\.\d{3}, \d\.\d{3}\]\s*6/);
    expect(await page.locator('h2:text("Rows") + table tbody tr').count()).toBe(6);
    await context.close();
  }, 120_000);

  it('refuses a form posted without the CSRF token (403) and keeps the session', async () => {
    const { context, page } = await signedIn(f.reader.token);
    const status = await page.evaluate(async () => {
      const res = await fetch('/console/sign-out', { method: 'POST', body: new URLSearchParams({ _csrf: '' }) });
      return res.status;
    });
    expect(status).toBe(403);
    await page.goto(`${f.url}/console/models`);
    expect(await page.locator('h1').textContent()).toBe('Models');
    // With the page's own form (token included) sign-out works.
    await Promise.all([page.waitForURL(/\/console\/sign-in$/), page.click('nav button[type=submit]')]);
    await expectRendered(page, 'Sign in');
    // Signed out, the console's root sends the browser to the sign-in form.
    await page.goto(`${f.url}/`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await context.close();
  }, 120_000);

  it('shows a principal without READ none of the model', async () => {
    const { context, page } = await signedIn(f.outsider.token);
    await expectRendered(page, 'Models');
    expect(await page.content()).not.toContain(EVAL_MODEL);
    const res = await page.goto(`${f.url}/console/eval-runs/${f.run.id}`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Not found');
    await context.close();
  }, 120_000);
});
