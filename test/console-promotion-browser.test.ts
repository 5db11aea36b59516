// The promotion pages in headless Chromium: decisions made by the real gate on real eval runs (an
// ungated first promotion of v1, a gated promotion of a one-sentence v2 against it that a floor
// blocks, a forced override with its reason), the decision history per model and alias, a decision's table and
// runs, champion vs candidate per dataset row; a principal without READ sees none of it.
import { gatePolicySchema } from '@ragops/core';
import {
  createEvalRun,
  createJudges,
  evalDatasetPath,
  forceAliasMove,
  type GateDecision,
  loadEvalDataset,
  promote,
  runEval,
  syncGates,
} from '@ragops/evals';
import { createChainHost } from '@ragops/rag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleBrowser, launchConsoleBrowser } from './console-browser-helpers.ts';
import { type ConsoleFixture, chromiumAvailable, startConsoleFixture } from './console-fixture.ts';
import { EVAL_MODEL } from './eval-fixture.ts';

const JUDGES = ['token_f1', 'sentence_support', 'recall@3'];
const OVERRIDE_REASON = 'hotfix approved by the on-call lead';

describe.skipIf(!chromiumAvailable())('promotion pages in headless Chromium', () => {
  let f: ConsoleFixture;
  let b: ConsoleBrowser;
  let first: GateDecision;
  let gated: GateDecision;
  let forced: GateDecision;

  beforeAll(async () => {
    [f, b] = await Promise.all([startConsoleFixture('sqlite', { rows: 6 }), launchConsoleBrowser()]);
    const e = f.eval;
    const loadDataset = (name: string) => loadEvalDataset(evalDatasetPath(e.datasetsDir, name));
    // v1 (run in the fixture) becomes champion before any gate exists: an `ungated` decision.
    first = await promote({ ...e.adminCtx, modelUri: `models:/${EVAL_MODEL}/1`, alias: 'champion', loadDataset });
    const policy = gatePolicySchema.parse({
      datasets: ['qa'],
      judges: JUDGES.join(','),
      // A floor no extractive answer reaches: the gated promotion is blocked, then forced.
      floors: { token_f1: { min: 0.99 } },
      noRegression: { metrics: ['token_f1', 'sentence_support'], margin: 0.01 },
    });
    await syncGates({ ...e.adminCtx, gates: { [EVAL_MODEL]: { champion: policy } }, source: 'ragops.yaml' });
    // v2 answers with one extracted sentence: other answers, same retrieval.
    const v2 = await e.registerVersion({ provider: 'terse', model: 'extractive-v1' });
    const host = createChainHost({
      store: e.store,
      home: e.home,
      providers: { terse: { type: 'extractive', maxSentences: 1 } },
      actorName: 'system:evals',
    });
    const dataset = await loadDataset('qa');
    const judges = () => createJudges({ names: JUDGES, k: 3 });
    const run = await createEvalRun({
      ...e.adminCtx,
      modelUri: `models:/${EVAL_MODEL}/${v2}`,
      dataset,
      judges: judges(),
    });
    await runEval({ host, store: e.store, run, dataset, judges: judges() });
    gated = await promote({ ...e.adminCtx, modelUri: `models:/${EVAL_MODEL}/${v2}`, alias: 'champion', loadDataset });
    forced = await forceAliasMove({
      ...e.adminCtx,
      name: EVAL_MODEL,
      alias: 'champion',
      version: v2,
      reason: OVERRIDE_REASON,
    });
  }, 240_000);

  afterAll(async () => {
    await b?.close();
    await f?.close();
    expect(b.foreignRequests()).toEqual([]);
    expect(b.pageErrors).toEqual([]);
  });

  it('lists the decision history per model and alias, overrides with reason and principal', async () => {
    expect(gated.outcome).toBe('blocked');
    expect(gated.criteria.length).toBeGreaterThan(3);
    expect(gated.runIds).toHaveLength(2);
    const { context, page } = await b.signedIn(f.url, f.reader.token);
    await page.click('nav a:text("Promotions")');
    await b.expectRendered(page, 'Promotions');
    await page.click(`a:text-is("${EVAL_MODEL}")`);
    await b.expectRendered(page, `Promotions of ${EVAL_MODEL}`);
    // The model page leads here too.
    await page.goto(`${f.url}/console/models/${EVAL_MODEL}`);
    await Promise.all([page.waitForURL(/\/console\/promotions\?model=/), page.click('a:text("Promotion decisions")')]);
    const rows = page.locator('table.decisions tbody tr');
    expect(await rows.count()).toBe(3);
    // Newest first: the override, the gated decision, the first (ungated) promotion.
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-outcome')))).toEqual([
      'override',
      gated.outcome,
      'ungated',
    ]);
    const override = await rows.first().textContent();
    expect(override).toContain(OVERRIDE_REASON);
    expect(override).toContain(forced.createdBy);
    expect(override).toContain('moved');
    await page.click('a.tag:text("@champion")');
    expect(new URL(page.url()).searchParams.get('alias')).toBe('champion');
    expect(await rows.count()).toBe(3);
    await page.goto(`${f.url}/console/promotions?model=${EVAL_MODEL}&alias=challenger`);
    expect(await page.locator('p.muted').first().textContent()).toContain('No promotion decisions for @challenger');
    await context.close();
  }, 120_000);

  it("shows a decision's table with intervals, its runs and champion vs candidate per row", async () => {
    const { context, page } = await b.signedIn(f.url, f.reader.token);
    await page.goto(`${f.url}/console/promotions?model=${EVAL_MODEL}`);
    await page.click(`a[href="/console/promotions/${gated.id}"]`);
    await b.expectRendered(page, `Decision ${gated.id}`);
    const criteria = page.locator('table.decision-table tbody tr');
    expect(await criteria.count()).toBe(gated.criteria.length);
    const regression = await page.locator('tr.criterion-row', { hasText: 'Δ token_f1 vs v1' }).textContent();
    expect(regression).toMatch(/-?\d\.\d{4}\s*\[-?\d\.\d{4}, -?\d\.\d{4}\] n=6/);
    expect(regression).toMatch(/pass|fail/);
    for (const id of gated.runIds) expect(await page.locator(`a[href="/console/eval-runs/${id}"]`).count()).toBe(1);
    expect(await page.locator('td', { hasText: /^holder$/ }).count()).toBe(1);
    // decision → versions → back: the candidate's lineage links its decisions.
    await page.click(`table.card a:text-is("v${gated.candidateVersion}")`);
    await b.expectRendered(page, `models:/${EVAL_MODEL}/${gated.candidateVersion}`);
    expect(await page.locator(`a[href="/console/promotions/${gated.id}"]`).count()).toBe(1);
    expect(await page.locator(`a[href="/console/promotions/${forced.id}"]`).count()).toBe(1);
    await page.goto(`${f.url}/console/promotions/${gated.id}`);
    await page.click('a:text("Champion vs candidate on qa")');
    await b.expectRendered(page, /candidate v2 vs holder v1/);
    // Metric intervals of both sides and the paired difference, one row per judge.
    const metrics = page.locator('table.metric-intervals tbody tr');
    expect(await metrics.count()).toBe(JUDGES.length);
    expect(await metrics.first().textContent()).toMatch(/(\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\] n=6.*){2}/s);
    const pairs = page.locator('section.row-pair');
    expect(await pairs.count()).toBe(6);
    const one = pairs.first();
    expect(await one.locator('.side').count()).toBe(2);
    for (const side of ['holder', 'candidate']) {
      const s = one.locator(`.side[data-side="${side}"]`);
      expect((await s.locator('.answer').textContent())?.length).toBeGreaterThan(10);
      expect(await s.locator('.judge-verdicts li').count()).toBe(JUDGES.length);
      // Passage texts come from the pinned index (the reader may READ it).
      expect(await s.locator('.passage-text').count()).toBeGreaterThan(0);
    }
    const diffs = await one.locator('.tag.diff').allTextContents();
    expect(diffs).toHaveLength(JUDGES.length);
    for (const d of diffs) expect(d).toMatch(/^Δ \S+ ([+-]?\d\.\d{3}|–)$/);
    await context.close();
  }, 120_000);

  it('shows an override without criteria, and an ungated decision', async () => {
    const { context, page } = await b.signedIn(f.url, f.reader.token);
    await page.goto(`${f.url}/console/promotions/${forced.id}`);
    await b.expectRendered(page, `Decision ${forced.id}`);
    expect(await page.locator('main').textContent()).toContain(OVERRIDE_REASON);
    expect(await page.locator('main').textContent()).toContain('No criteria');
    await page.goto(`${f.url}/console/promotions/${first.id}`);
    expect(await page.locator('.badge').first().textContent()).toBe('ungated');
    await context.close();
  }, 120_000);

  it('refuses bad ids and queries with 400 pages naming them', async () => {
    const { context, page } = await b.signedIn(f.url, f.reader.token);
    for (const [path, field] of [
      ['/console/promotions/gd_nothex', 'id'],
      [`/console/promotions?model=${EVAL_MODEL}&alias=Bad%20Alias`, 'alias'],
      [`/console/promotions/${gated.id}/compare?dataset=../etc`, 'dataset'],
      [`/console/promotions/${gated.id}/compare?dataset=qa&page=0`, 'page'],
      ['/console/promotions?colour=red', 'colour'],
    ] as const) {
      const res = await page.goto(`${f.url}${path}`);
      expect(res?.status(), path).toBe(400);
      expect(await page.locator('main').textContent(), path).toContain(field);
    }
    const missing = await page.goto(`${f.url}/console/promotions/${gated.id}/compare?dataset=other`);
    expect(missing?.status()).toBe(404);
    await context.close();
  }, 120_000);

  it('shows a principal without READ none of it', async () => {
    const { context, page } = await b.signedIn(f.url, f.outsider.token);
    await page.goto(`${f.url}/console/promotions`);
    await b.expectRendered(page, 'Promotions');
    expect(await page.content()).not.toContain(EVAL_MODEL);
    for (const path of [
      `/console/promotions?model=${EVAL_MODEL}`,
      `/console/promotions/${gated.id}`,
      `/console/promotions/${gated.id}/compare?dataset=qa`,
    ]) {
      const res = await page.goto(`${f.url}${path}`);
      expect(res?.status(), path).toBe(404);
      const text = await page.content();
      expect(text, path).not.toContain(OVERRIDE_REASON);
      expect(text, path).not.toContain(gated.runIds[0]);
    }
    expect((await page.goto(`${f.url}/console/promotions/${gated.id}`))?.status()).toBe(404);
    await context.close();
  }, 120_000);
});
