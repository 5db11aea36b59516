// The monitoring dashboard in headless Chromium: charts of the metric tables drawn by uPlot (served
// from node_modules under the console's CSP), filters for window, version, arm and range, the alert
// and drift panels and the split test of its two arms, on data the real refresher, drift computation and alert evaluation wrote
// (test/console-dashboard-fixture.ts). A principal without READ on the endpoint sees none of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleBrowser, launchConsoleBrowser } from './console-browser-helpers.ts';
import { type DashboardFixture, ENDPOINT, startDashboardFixture } from './console-dashboard-fixture.ts';
import { chromiumAvailable } from './console-fixture.ts';

/** Charts every populated endpoint has (judge scores and approval need online judging and feedback). */
const DRAWN = ['requests', 'error-rate', 'latency', 'cost', 'empty-retrieval', 'top-score'];

describe.skipIf(!chromiumAvailable())('monitoring dashboard in headless Chromium', () => {
  let f: DashboardFixture;
  let b: ConsoleBrowser;

  beforeAll(async () => {
    [f, b] = await Promise.all([startDashboardFixture(), launchConsoleBrowser()]);
  }, 240_000);

  afterAll(async () => {
    await b?.close();
    await f?.close();
    expect(b.foreignRequests()).toEqual([]);
    expect(b.requested.some((u) => u.endsWith('/console/assets/uplot.iife.min.js'))).toBe(true);
    // A CSP violation (an inline style or script uPlot needed) would be a console error here.
    expect(b.pageErrors).toEqual([]);
  });

  it('charts the metric tables per version × arm and shows the alert and drift panels', async () => {
    const { context, page } = await b.signedIn(f.url, f.tokens.reader);
    await page.click('nav a:text("Monitoring")');
    await b.expectRendered(page, 'Monitoring');
    await page.click(`a:text-is("${ENDPOINT}")`);
    await expect
      .poll(() => page.locator('.uplot-chart[data-drawn="true"]').count(), { timeout: 30_000 })
      .toBe(DRAWN.length);
    await b.expectRendered(page, `Monitoring ${ENDPOINT}`);
    const ink = await b.canvasInk(page);
    expect(ink.map((c) => c.id).sort()).toEqual([...DRAWN].sort());
    // Axes, grid and lines: thousands of drawn pixels per canvas, far from all of them.
    for (const c of ink) {
      expect(c.ink, c.id).toBeGreaterThan(2_000);
      expect(c.ink / c.pixels, c.id).toBeLessThan(0.5);
    }
    const legend = await page.locator('[data-chart-id="latency"] .u-legend').textContent();
    for (const label of ['v1 v1 · p95', 'v2 v2 · p95', 'v1 v1 · p50']) expect(legend).toContain(label);
    // Six hourly windows per arm (1h is the default window).
    const spec = JSON.parse(
      (await page.locator('[data-chart-id="requests"] .uplot-chart').getAttribute('data-chart'))!,
    );
    expect(spec.x).toHaveLength(6);
    expect(spec.lines.map((l: { values: number[] }) => l.values.reduce((a, v) => a + v, 0))).toEqual([54, 18]);
    // The split test of v1 vs v2: no online judge scores yet, so it keeps collecting; per-arm
    // latency intervals (v2 answers 40 ms slower in the fixture) and the gate's view of it.
    expect(await page.locator('.split-decision').textContent()).toBe('keep_collecting');
    const arms = page.locator('tr.split-arm');
    expect(await arms.count()).toBe(2);
    expect(await arms.nth(1).textContent()).toMatch(/\d+ \[\d+, \d+\] n=18/);
    expect(await page.locator('table.split-test + p + table tr.criterion-row').count()).toBe(1);
    // The alert fired on latency p95; drift rows for the last complete hour.
    expect(await page.locator('tr.alert-state[data-state="firing"]').count()).toBeGreaterThan(0);
    expect(await page.locator('tr.alert-event').first().textContent()).toContain('p95-high');
    expect(await page.locator('tr.drift-row').count()).toBeGreaterThan(0);
    expect(await page.locator('table.latest tbody tr').count()).toBe(12);
    expect(await page.locator('table.latest tbody tr').first().textContent()).toMatch(
      /\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\] n=\d+/,
    );
    await context.close();
  }, 120_000);

  it('filters by arm, version, window and range', async () => {
    const { context, page } = await b.signedIn(f.url, f.tokens.reader);
    await page.goto(`${f.url}/console/monitoring/${ENDPOINT}`);
    await page.selectOption('select[name=arm]', 'v2');
    await Promise.all([page.waitForURL(/arm=v2/), page.click('form.dashboard-filters button[type=submit]')]);
    await expect.poll(() => page.locator('.uplot-chart[data-drawn="true"]').count()).toBeGreaterThan(0);
    const legend = await page.locator('[data-chart-id="requests"] .u-legend').textContent();
    expect(legend).toContain('v2 v2');
    expect(legend).not.toContain('v1 v1');
    await page.goto(`${f.url}/console/monitoring/${ENDPOINT}?version=1&window=1d&range=all`);
    const spec = JSON.parse(
      (await page.locator('[data-chart-id="requests"] .uplot-chart').getAttribute('data-chart'))!,
    );
    expect(spec.lines).toHaveLength(1);
    expect(spec.lines[0].label).toContain('v1 v1');
    expect(spec.lines[0].values.reduce((a: number, v: number | null) => a + (v ?? 0), 0)).toBe(54);
    // A range with no windows: every chart says so, nothing is drawn.
    await page.goto(`${f.url}/console/monitoring/${ENDPOINT}?since=2020-01-01T00:00:00Z&until=2020-01-02T00:00:00Z`);
    expect(await page.locator('.uplot-chart').count()).toBe(0);
    expect(await page.locator('.chart-card p.muted').count()).toBeGreaterThan(0);
    for (const [query, field] of [
      ['window=2h', 'window'],
      ['range=1y', 'range'],
      ['since=yesterday', 'since'],
      ['slice=DROP%20TABLE', 'slice'],
      ['colour=red', 'colour'],
    ]) {
      const res = await page.goto(`${f.url}/console/monitoring/${ENDPOINT}?${query}`);
      expect(res?.status(), query).toBe(400);
      expect(await page.locator('main').textContent(), query).toContain(field);
    }
    await context.close();
  }, 120_000);

  it('shows a principal without READ none of it: EXECUTE alone is 403 naming READ, nothing is 404', async () => {
    const runner = await b.signedIn(f.url, f.tokens.runner);
    await runner.page.goto(`${f.url}/console/monitoring`);
    expect(await runner.page.locator('main').textContent()).not.toContain(ENDPOINT);
    const denied = await runner.page.goto(`${f.url}/console/monitoring/${ENDPOINT}`);
    expect(denied?.status()).toBe(403);
    expect(await runner.page.locator('main').textContent()).toMatch(/READ/);
    expect(await runner.page.locator('.uplot-chart, .drift-row, .alert-state').count()).toBe(0);
    await runner.context.close();
    const outsider = await b.signedIn(f.url, f.tokens.outsider);
    const hidden = await outsider.page.goto(`${f.url}/console/monitoring/${ENDPOINT}`);
    expect(hidden?.status()).toBe(404);
    expect(await outsider.page.content()).not.toContain('p95-high');
    await outsider.context.close();
  }, 120_000);
});
