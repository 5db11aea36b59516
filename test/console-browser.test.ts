// The console in a real browser: Debian's headless Chromium driven by playwright-core (never a
// downloaded browser). Sign in through the form, open each page, check its heading and that its
// screenshot is a rendered page; a form posted without the CSRF token is refused; a principal
// without READ sees none of the model; no request ever leaves for a non-loopback origin.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, type ConsoleFixture, chromiumAvailable, startConsoleFixture } from './console-fixture.ts';
import { EVAL_MODEL } from './eval-fixture.ts';

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
];

// Runs in the browser (the test's tsconfig has no DOM types, so it is source text): decodes a PNG and
// returns the share of pixels that differ from the top-left one.
const DECODE_SCRIPT = `async (b64) => {
  const img = new Image();
  img.src = 'data:image/png;base64,' + b64;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.width;
  canvas.height = img.height;
  const g = canvas.getContext('2d');
  g.drawImage(img, 0, 0);
  const data = g.getImageData(0, 0, img.width, img.height).data;
  let differing = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) differing++;
  }
  return { width: img.width, height: img.height, share: differing / (data.length / 4) };
}`;

describe.skipIf(!chromiumAvailable())('console in headless Chromium', () => {
  let f: ConsoleFixture;
  let browser: Browser;
  const requested: string[] = [];
  /** Console errors and uncaught exceptions of every page (a CSP violation lands here too). */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    [f, browser] = await Promise.all([
      startConsoleFixture('sqlite', { rows: 6 }),
      chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS, timeout: 60_000 }),
    ]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await f?.close();
    // Every request any page made went to the loopback server (data: and about: never hit a network).
    const foreign = requested.filter((u) => !/^(data:|about:)/.test(u) && new URL(u).hostname !== '127.0.0.1');
    expect(foreign).toEqual([]);
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.some((u) => u.endsWith('/console/assets/console.js'))).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  async function signedIn(token: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const page = await context.newPage();
    page.on('request', (r) => requested.push(r.url()));
    page.on('console', (m) => {
      // 404/403 pages the tests ask for on purpose log "Failed to load resource"; anything else counts.
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${f.url}/`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await page.fill('input[name=token]', token);
    await Promise.all([page.waitForURL(/\/console\/models$/), page.click('button[type=submit]')]);
    return { context, page };
  }

  /** The page's heading, and its screenshot decoded by the browser: not one flat colour. */
  async function expectRendered(page: Page, heading: string | RegExp): Promise<void> {
    await expect.poll(() => page.locator('h1').first().textContent()).toMatch(heading);
    const png = await page.screenshot({ fullPage: true });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const probe = await browser.newPage();
    const varied = (await probe.evaluate(`(${DECODE_SCRIPT})('${png.toString('base64')}')`)) as {
      width: number;
      height: number;
      share: number;
    };
    await probe.close();
    expect(varied.width).toBe(1100);
    // Text, tables and header on a light background: some pixels differ, far from all of them.
    expect(varied.share).toBeGreaterThan(0.005);
    expect(varied.share).toBeLessThan(0.95);
  }

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
