// Headless Chromium (Debian's, via playwright-core; never a downloaded browser) for the console's
// page tests: launch, sign in through the form, and check that a page and its charts rendered.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { CHROMIUM } from './console-fixture.ts';

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

// Per chart canvas on the page: how many pixels are not transparent (uPlot draws axes, grid and
// lines on a transparent canvas; an undrawn one has 0).
const CANVAS_INK_SCRIPT = `() => [...document.querySelectorAll('.uplot-chart canvas')].map((c) => {
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let ink = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) ink++;
  return { id: c.closest('[data-chart-id]').dataset.chartId, ink, pixels: c.width * c.height };
})`;

export type ConsoleBrowser = {
  browser: Browser;
  /** Every URL any page requested, and console errors / uncaught exceptions (CSP violations land here). */
  requested: string[];
  pageErrors: string[];
  signedIn(baseUrl: string, token: string): Promise<{ context: BrowserContext; page: Page }>;
  /** The page's heading matches, and its full-page screenshot is a rendered page (not one flat colour). */
  expectRendered(page: Page, heading: string | RegExp): Promise<void>;
  /** Ink per uPlot canvas of the page. */
  canvasInk(page: Page): Promise<{ id: string; ink: number; pixels: number }[]>;
  /** Requests that left loopback (must be none). */
  foreignRequests(): string[];
  close(): Promise<void>;
};

export async function launchConsoleBrowser(): Promise<ConsoleBrowser> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS, timeout: 60_000 });
  const requested: string[] = [];
  const pageErrors: string[] = [];
  let shots = 0;
  return {
    browser,
    requested,
    pageErrors,
    async signedIn(baseUrl, token) {
      const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
      const page = await context.newPage();
      page.on('request', (r) => requested.push(r.url()));
      page.on('console', (m) => {
        // 404/403 pages the tests ask for on purpose log "Failed to load resource"; anything else counts.
        if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push(m.text());
      });
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(`${baseUrl}/console/sign-in`);
      await page.fill('input[name=token]', token);
      await Promise.all([page.waitForURL(/\/console\/models$/), page.click('button[type=submit]')]);
      return { context, page };
    },
    async expectRendered(page, heading) {
      await expect.poll(() => page.locator('h1').first().textContent()).toMatch(heading);
      const png = await page.screenshot({ fullPage: true });
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      // To look at the pages: RAGOPS_SCREENSHOT_DIR=/tmp/shots npx vitest run test/console-dashboard-browser.test.ts
      const dir = process.env.RAGOPS_SCREENSHOT_DIR;
      if (dir)
        await writeFile(
          join(
            dir,
            `${++shots}-${String(heading)
              .replace(/[^\w-]+/g, '_')
              .slice(0, 60)}.png`,
          ),
          png,
        );
      const probe = await browser.newPage();
      const varied = (await probe.evaluate(`(${DECODE_SCRIPT})('${png.toString('base64')}')`)) as {
        width: number;
        share: number;
      };
      await probe.close();
      expect(varied.width).toBe(1100);
      expect(varied.share).toBeGreaterThan(0.005);
      expect(varied.share).toBeLessThan(0.95);
    },
    async canvasInk(page) {
      return (await page.evaluate(`(${CANVAS_INK_SCRIPT})()`)) as { id: string; ink: number; pixels: number }[];
    },
    foreignRequests: () => requested.filter((u) => !/^(data:|about:)/.test(u) && new URL(u).hostname !== '127.0.0.1'),
    close: () => browser.close(),
  };
}
