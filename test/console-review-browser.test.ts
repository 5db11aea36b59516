// The review console in a real browser (Debian's headless Chromium via playwright-core, one launch):
// label three items with the keyboard and see the queue advance, the rows land in the store; judge
// verdicts hidden before labelling and shown after; skip; several reviewers per item; a principal
// without READ sees no item (queue and direct URL); a form posted without the CSRF token is refused;
// stored `<script>` in an answer and in a passage is shown as text; the feedback-over-time and
// calibration pages render. Every request stays on the loopback server.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { insertInferenceRows } from '@ragops/core';
import { judgeCalibration, listFeedback } from '@ragops/evals';
import { buildIndex } from '@ragops/rag';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleBrowser, launchConsoleBrowser } from './console-browser-helpers.ts';
import { type ConsoleFixture, chromiumAvailable, startConsoleFixture } from './console-fixture.ts';
import { EVAL_MODEL } from './eval-fixture.ts';
import { inferenceRow } from './feedback-fixture.ts';

const XSS_REQUEST = 'req-xss-1';

describe.skipIf(!chromiumAvailable())('review console in headless Chromium', () => {
  let f: ConsoleFixture;
  let cb: ConsoleBrowser;

  beforeAll(async () => {
    [f, cb] = await Promise.all([startConsoleFixture('sqlite', { rows: 6 }), launchConsoleBrowser()]);
    // A served answer and a retrieved passage carrying markup: an index of one hostile document.
    const docs = join(f.eval.home, 'xss-docs');
    await mkdir(docs);
    await writeFile(
      join(docs, 'evil.md'),
      '# Evil\n\n<script>window.__xssPassage = 1</script> passages can hold markup.\n',
    );
    const build = await buildIndex({ home: f.eval.home, name: 'dev.qs.xss', source: docs });
    const row = inferenceRow(XSS_REQUEST, 'someone', {
      indexName: 'dev.qs.xss',
      indexVersion: build.version,
      answer: '<script>window.__xssAnswer = 1</script><img src=x onerror="window.__xssImg=1"> See [1].',
      retrieved: [{ chunkId: 'evil.md#0', documentId: 'evil.md', score: 0.5 }],
    });
    await f.eval.store.transaction((tx) => insertInferenceRows(tx, [row]));
  }, 180_000);
  afterAll(async () => {
    await cb?.close();
    await f?.close();
    expect(cb.foreignRequests()).toEqual([]);
    expect(cb.requested.some((u) => u.endsWith('/console/assets/console.js'))).toBe(true);
    expect(cb.pageErrors).toEqual([]);
  });

  const signedIn = (token: string) => cb.signedIn(f.url, token);
  const expectRendered = (page: Page, heading: string | RegExp) => cb.expectRendered(page, heading);

  const progress = (page: Page) => page.locator('p.progress').textContent();
  const currentKey = async (page: Page) => (await page.locator('p.progress a').textContent())!.trim();

  it('labels three items with the keyboard: the queue advances, verdicts appear only after labelling, rows are stored', async () => {
    const { context, page } = await signedIn(f.reader.token);
    await page.goto(`${f.url}/console/review?source=eval_run&size=5&seed=7`);
    await expectRendered(page, 'Review queue');
    const labelled: string[] = [];
    // Per item: one digit per criterion (groundedness, answer_relevance, correctness, context_relevance,
    // context_sufficiency, then overall reject/approve), each moving the outline to the next, then Enter.
    const keys = [
      ['3', '5', '3', '5', '2', '2'],
      ['1', '1', '1', '1', '1', '1'],
      ['2', '3', '2', '4', '2', '2'],
    ];
    for (const [i, digits] of keys.entries()) {
      expect(await progress(page)).toContain(`Item ${i + 1} of 5`);
      const key = await currentKey(page);
      // Before labelling: no verdict on the page but the previous item's, under its own name.
      if (i === 0) expect(await page.locator('.judge-score').count()).toBe(0);
      else expect(await page.locator('p.muted', { hasText: 'Labelled ' }).textContent()).toContain(labelled[i - 1]);
      expect(await page.locator('p.muted', { hasText: `Labelled ${key}` }).count()).toBe(0);
      for (const d of digits) await page.keyboard.press(d);
      expect(await page.locator('fieldset.criterion input:checked').count()).toBe(6);
      await Promise.all([page.waitForURL(new RegExp(`done=${i + 1}`)), page.keyboard.press('Enter')]);
      labelled.push(key);
      // After: the item just labelled shows the reviewer's labels next to the judges' scores.
      await expect.poll(() => page.locator('.verdicts').count()).toBe(1);
      expect(await page.locator('.verdicts tr', { hasText: 'token_f1' }).count()).toBe(1);
      expect(await page.locator('.verdicts tr', { hasText: 'sentence_support' }).count()).toBe(1);
      expect(await page.locator('p.muted', { hasText: `Labelled ${key}` }).count()).toBe(1);
    }
    expect(new Set(labelled).size).toBe(3);
    // s skips: the skipped item leaves this pass and is not labelled.
    expect(await progress(page)).toContain('Item 4 of 5');
    const skipped = await currentKey(page);
    await Promise.all([page.waitForURL(/skipped=/), page.keyboard.press('s')]);
    expect(await progress(page)).toContain('Item 5 of 5');
    expect(await currentKey(page)).not.toBe(skipped);
    await expectRendered(page, 'Review queue');

    const stored = await listFeedback(f.eval.adminCtx, { source: 'reviewer', author: f.reader.name });
    const byKey = new Map(
      stored.items.map((fb) => [`eval_row:${f.run.id}:${(fb.target as { rowId: string }).rowId}`, fb]),
    );
    expect([...byKey.keys()].sort()).toEqual([...labelled].sort());
    expect(labelled.map((k) => byKey.get(k)!.approved)).toEqual([true, false, true]);
    expect(byKey.get(labelled[0]!)!.labels).toEqual({
      groundedness: 1,
      answer_relevance: 1,
      correctness: 1,
      context_relevance: 1,
      context_sufficiency: 1,
    });
    expect(byKey.get(labelled[1]!)!.labels).toMatchObject({
      groundedness: 0,
      answer_relevance: 0,
      context_sufficiency: 0,
    });
    expect(byKey.get(labelled[2]!)!.labels).toMatchObject({
      groundedness: 0.5,
      correctness: 0.5,
      context_relevance: 0.75,
    });

    // The direct URL of a labelled item shows the verdicts; of an unlabelled one, the form and no verdicts.
    await page.goto(`${f.url}/console/review/items/${encodeURIComponent(labelled[0]!)}`);
    await expectRendered(page, `Review ${labelled[0]}`);
    expect(await page.locator('.verdicts .judge-score').count()).toBeGreaterThan(0);
    await page.goto(`${f.url}/console/review/items/${encodeURIComponent(skipped)}`);
    expect(await page.locator('.verdicts').count()).toBe(0);
    expect(await page.locator('form.review').count()).toBe(1);
    expect(await page.content()).toContain('Judge verdicts are shown once you labelled this item');
    await context.close();
  }, 180_000);

  it('several reviewers per item: an item leaves a second reviewer’s queue only once N reviewers labelled it', async () => {
    const { context, page } = await signedIn(f.adminToken);
    await page.goto(`${f.url}/console/review?source=eval_run&size=20&reviewers=1`);
    expect(await progress(page)).toContain('Item 1 of 3'); // 6 rows, 3 labelled by one reviewer
    await page.goto(`${f.url}/console/review?source=eval_run&size=20&reviewers=2`);
    expect(await progress(page)).toContain('Item 1 of 6');
    await context.close();
  }, 120_000);

  it('a principal without READ sees no item: an empty queue, 404 on the item URL', async () => {
    const { context, page } = await signedIn(f.outsider.token);
    await page.goto(`${f.url}/console/review?source=eval_run`);
    await expectRendered(page, 'Review queue');
    expect(await page.locator('p.queue-done').count()).toBe(1);
    expect(await page.content()).not.toContain(f.run.id);
    await page.goto(`${f.url}/console/review?source=inference`);
    expect(await page.content()).not.toContain(XSS_REQUEST);
    for (const key of [`eval_row:${f.run.id}:q001`, `inference:${XSS_REQUEST}`]) {
      const res = await page.goto(`${f.url}/console/review/items/${encodeURIComponent(key)}`);
      expect(res?.status()).toBe(404);
      expect(await page.locator('h1').textContent()).toBe('Not found');
      expect(await page.content()).not.toContain('What does');
    }
    await context.close();
  }, 120_000);

  it('refuses a label form posted without the CSRF token (403), writing nothing', async () => {
    const { context, page } = await signedIn(f.reader.token);
    const key = `eval_row:${f.run.id}:q006`;
    const status = await page.evaluate(async (target) => {
      const body = new URLSearchParams({ target, action: 'submit', 'label.correctness': '1' });
      return (await fetch('/console/review', { method: 'POST', body })).status;
    }, key);
    expect(status).toBe(403);
    const mine = await listFeedback(f.eval.adminCtx, { source: 'reviewer', author: f.reader.name });
    expect(mine.items.map((fb) => (fb.target as { rowId?: string }).rowId)).not.toContain('q006');
    await context.close();
  }, 120_000);

  it('shows stored <script> in an answer and a passage as text, never as markup', async () => {
    const { context, page } = await signedIn(f.reader.token);
    const url = `/console/review/items/${encodeURIComponent(`inference:${XSS_REQUEST}`)}`;
    const raw = await page.evaluate(async (u) => (await fetch(u)).text(), url);
    expect(raw).toContain('&lt;script&gt;window.__xssAnswer = 1&lt;/script&gt;');
    expect(raw).toContain('&lt;script&gt;window.__xssPassage = 1&lt;/script&gt;');
    expect(raw).not.toMatch(/<script>window|<img src=x/);
    await page.goto(`${f.url}${url}`);
    await expectRendered(page, `Review inference:${XSS_REQUEST}`);
    expect(await page.locator('p.answer').textContent()).toContain('<script>window.__xssAnswer = 1</script>');
    // The answer's [1] links to passage 1, which is highlighted as cited and shows its text as text.
    expect(await page.locator('p.answer a.cite').getAttribute('href')).toBe('#passage-1');
    expect(await page.locator('#passage-1.cited .passage-text').textContent()).toContain('<script>window.__xssPassage');
    expect(
      await page.evaluate('[typeof window.__xssAnswer, typeof window.__xssPassage, typeof window.__xssImg]'),
    ).toEqual(['undefined', 'undefined', 'undefined']);
    await context.close();
  }, 120_000);

  it('renders feedback over time (reviewer series with an SVG chart) and the stored judge calibrations', async () => {
    await judgeCalibration(f.eval.adminCtx, { minItems: 2 });
    const { context, page } = await signedIn(f.reader.token);
    await page.click('nav a:text("Feedback")');
    await page.click(`a:text("${EVAL_MODEL}")`);
    await expectRendered(page, `Feedback on ${EVAL_MODEL}`);
    const series = page.locator('section.series[data-source="reviewer"]');
    expect(await series.count()).toBe(1);
    // Today: 3 labelled, 3 rated, 2 approved → one dot at 0.667 with its Wilson interval.
    expect(await series.locator('svg.chart circle.dot').count()).toBe(1);
    expect(await series.locator('tbody tr').first().textContent()).toMatch(
      /\d{4}-\d\d-\d\d\s*3\s*3\s*0\.667\s*\[0\.\d{3}, 0\.\d{3}\]/,
    );
    expect(await page.locator('h2:text("End users") + p.muted').count()).toBe(1);
    await page.click('nav a:text("Calibrations")');
    await expectRendered(page, 'Judge calibrations');
    const grounded = page.locator('tr', { hasText: 'sentence_support' });
    expect(await grounded.count()).toBe(1);
    expect(await grounded.textContent()).toMatch(/groundedness\s*weighted κ/);
    expect(await grounded.locator('td.num').nth(2).textContent()).toBe('3'); // n
    await context.close();
  }, 120_000);
});
