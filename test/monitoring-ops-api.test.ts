// GET /api/v1/monitoring/endpoints/{name}/drift|alerts|split-test over real HTTP on both store
// backends, and the promotion gate's split test through REST and the CLI: only principals with READ
// on every model an endpoint serves read its monitoring (EXECUTE alone: 403 naming READ; nothing: 404).
import { join } from 'node:path';
import { gatePolicySchema } from '@ragops/core';
import { syncGates } from '@ragops/evals';
import { DRIFT_METRICS } from '@ragops/monitoring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAlertEvent, upsertAlertState } from '../packages/monitoring/src/alerts/alert-store.ts';
import { upsertDriftResults } from '../packages/monitoring/src/drift/drift-store.ts';
import { runCli } from './index-cli-helpers.ts';
import { testBackends } from './server-fixture.ts';
import { MODEL, type ServingFixture, startServingFixture } from './serving-fixture.ts';
import { writeRatedTraffic } from './split-test-rows.ts';

const AT = '2026-11-01T10:00:00.000Z';

describe.each(testBackends())('monitoring ops over REST (%s)', (backend) => {
  let f: ServingFixture;
  const tokens: Record<string, string> = {};
  const get = (path: string, token = f.adminToken) =>
    fetch(`${f.url}/api/v1/monitoring/endpoints/${path}`, { headers: { authorization: `Bearer ${token}` } });
  const message = async (res: Response) => ((await res.json()) as { error: { message: string } }).error.message;

  beforeAll(async () => {
    f = await startServingFixture({ backend });
    await f.registerVersion();
    await f.registerVersion();
    await f.setAlias('champion', 1);
    await f.createEndpoint('ab', {
      served: [
        { name: 'champion', model: `models:/${MODEL}@champion`, traffic: 50 },
        { name: 'challenger', model: `models:/${MODEL}/2`, traffic: 50 },
      ],
    });
    const ctx = { store: f.store, actor: f.admin };
    await writeRatedTraffic(ctx, 'ab', [
      { name: 'champion', model: MODEL, version: 1, approved: 12, total: 40 },
      { name: 'challenger', model: MODEL, version: 2, approved: 38, total: 40 },
    ]);
    await f.store.transaction(async (tx) => {
      await upsertDriftResults(tx, [
        {
          endpoint: 'ab',
          modelName: MODEL,
          modelVersion: 1,
          metric: 'retrieval_score_psi',
          comparison: 'baseline',
          current: { start: AT, end: '2026-11-01T11:00:00.000Z' },
          reference: { start: '2026-11-01T00:00:00.000Z', end: '2026-11-01T01:00:00.000Z' },
          n: { current: 80, reference: 80 },
          statistic: 0.31,
          threshold: 0.01,
          pValue: 0.001,
          verdict: 'drift',
          detail: {},
          computedAt: AT,
        },
      ]);
      await upsertAlertState(tx, {
        rule: 'errors',
        series: 'all',
        endpoint: 'ab',
        state: 'firing',
        breachSince: AT,
        value: 0.5,
        changedAt: AT,
        evaluatedAt: AT,
      });
      await insertAlertEvent(tx, {
        id: 'ev-1',
        rule: 'errors',
        series: 'all',
        endpoint: 'ab',
        windowStart: AT,
        state: 'firing',
        value: 0.5,
        condition: '{"above":0.1}',
        message: 'error_rate of ab breaches',
        delivery: 'none',
        attempts: 0,
        lastError: null,
        createdAt: AT,
      });
    });
    tokens.reader = await f.userToken('ops-reader', ['READ']);
    tokens.runner = await f.userToken('ops-runner', ['EXECUTE']);
    tokens.nobody = await f.userToken('ops-nobody', []);
  }, 180_000);
  afterAll(() => f?.close());

  it('drift: the stored results with statistic, p-value, threshold and n', async () => {
    const res = await get('ab/drift?metric=retrieval_score_psi', tokens.reader);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      endpoint: 'ab',
      results: [
        { metric: 'retrieval_score_psi', verdict: 'drift', pValue: 0.001, threshold: 0.01, n: { current: 80 } },
      ],
    });
    expect(((await (await get('ab/drift?metric=query_mmd')).json()) as { results: [] }).results).toEqual([]);
  });

  it('drift pages through more results than a page: each result once, newest window first, a token until the last', async () => {
    // 2,400 results (one read returned 1,000 and said nothing of the rest): 50 hours × a 1 h and a
    // 5 min window ending together × 2 versions × every metric × 2 comparisons, so many tie on the end.
    await f.createEndpoint('busy', { served: [{ name: 'champion', model: `models:/${MODEL}/1`, traffic: 100 }] });
    const hour = (h: number) => new Date(Date.parse(AT) + h * 3_600_000).toISOString();
    const results = Array.from({ length: 50 }, (_, h) =>
      [hour(h), new Date(Date.parse(hour(h + 1)) - 300_000).toISOString()].flatMap((start) =>
        [1, 2].flatMap((modelVersion) =>
          DRIFT_METRICS.flatMap((metric) =>
            (['baseline', 'previous'] as const).map((comparison) => ({
              endpoint: 'busy',
              modelName: MODEL,
              modelVersion,
              metric,
              comparison,
              current: { start, end: hour(h + 1) },
              reference: { start: hour(-2), end: hour(-1) },
              n: { current: 10, reference: 10 },
              statistic: 0.1,
              threshold: 0.01,
              pValue: 0.5,
              verdict: 'stable' as const,
              detail: {},
              computedAt: AT,
            })),
          ),
        ),
      ),
    ).flat();
    expect(results).toHaveLength(2_400);
    await f.store.transaction((tx) => upsertDriftResults(tx, results));
    type DriftPage = { results: (typeof results)[number][]; nextPageToken?: string };
    const seen: DriftPage['results'] = [];
    let pages = 0;
    let token: string | undefined;
    do {
      const res = await get(
        `busy/drift?pageSize=1000${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`,
        tokens.reader,
      );
      expect(res.status).toBe(200);
      const page = (await res.json()) as DriftPage;
      seen.push(...page.results);
      token = page.nextPageToken;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    const key = (r: DriftPage['results'][number]) =>
      JSON.stringify([r.modelVersion, r.metric, r.comparison, r.current.start, r.current.end]);
    expect(new Set(seen.map(key)).size).toBe(2_400);
    const ends = seen.map((r) => r.current.end);
    expect(ends).toEqual([...ends].sort().reverse());
    // A page size past the bound is refused, not cut.
    expect((await get('busy/drift?pageSize=1001', tokens.reader)).status).toBe(400);
  });

  it('alerts: state and history of the endpoint', async () => {
    const res = await get('ab/alerts?state=firing', tokens.reader);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      alerts: [{ rule: 'errors', state: 'firing', value: 0.5 }],
      events: [{ id: 'ev-1', state: 'firing' }],
    });
    const ok = (await (await get('ab/alerts?state=ok&events=0')).json()) as { alerts: []; events: [] };
    expect(ok).toEqual({ alerts: [], events: [] });
  });

  it('split-test: per-arm intervals with n and the recommendation with its interval', async () => {
    const res = await get(
      'ab/split-test?control=champion&candidate=challenger&primary=end_user_approval',
      tokens.reader,
    );
    expect(res.status).toBe(200);
    const rec = (await res.json()) as {
      decision: string;
      primary: { low: number; n: { control: number; candidate: number } };
      control: { quality: { mean: number; low: number; high: number; n: number } };
      candidate: { quality: { mean: number; n: number } };
      gateCriterion: { verdict: string };
    };
    expect(rec.decision).toBe('promote');
    expect(rec.primary.n).toEqual({ control: 40, candidate: 40 });
    expect(rec.primary.low).toBeGreaterThan(0);
    expect(rec.control.quality).toMatchObject({ mean: 0.3, n: 40 });
    expect(rec.control.quality.low).toBeLessThan(0.3);
    expect(rec.candidate.quality).toMatchObject({ mean: 0.95, n: 40 });
    expect(rec.gateCriterion.verdict).toBe('pass');
    const arm = await get('ab/split-test?control=champion&candidate=nope');
    expect(arm.status).toBe(400);
    expect(await message(arm)).toMatch(/candidate "nope" is not an arm/);
  });

  it('EXECUTE alone is 403 naming READ; no grant and unknown endpoints are 404', async () => {
    for (const path of ['ab/drift', 'ab/alerts', 'ab/split-test?control=champion&candidate=challenger']) {
      const runner = await get(path, tokens.runner);
      expect(runner.status, path).toBe(403);
      expect(await message(runner), path).toMatch(/READ/);
      expect((await get(path, tokens.nobody)).status, path).toBe(404);
      expect((await get(path.replace('ab/', 'nope/'))).status, path).toBe(404);
    }
  });

  it('hostile names and filters are 400 naming what, never a 500', async () => {
    // 10,000: past every bound, under Node's 16 KiB request-line limit (beyond it Node answers 431 itself).
    const long = 'a'.repeat(10_000);
    for (const path of [
      'a%00b/drift',
      `${long}/alerts`,
      'ab/drift?pageSize=1e9',
      'ab/drift?pageToken=garbage!',
      'ab/drift?since=yesterday',
      `ab/drift?metric=${long}`,
      'ab/alerts?events=-1',
      'ab/alerts?state=%00',
      'ab/split-test?control=champion%00&candidate=challenger',
      `ab/split-test?control=${long}&candidate=challenger`,
      'ab/split-test?control=champion&candidate=challenger&primary=judge:%00',
    ]) {
      const res = await get(path);
      expect(res.status, path.slice(0, 80)).toBe(400);
      expect(await message(res), path.slice(0, 80)).toMatch(/\S/);
    }
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${f.url}/openapi.json`)).json()) as { paths: Record<string, { get?: unknown }> };
    for (const p of ['drift', 'alerts', 'split-test'])
      expect(doc.paths[`/api/v1/monitoring/endpoints/{name}/${p}`]?.get, p).toBeDefined();
  });

  it("the gate's split test through POST …/promotions and ragops promote: the criterion is in the decision table", async () => {
    // The gate needs docs-qa evidence too (none here: unavailable); the split test row is what is checked.
    await syncGates({
      store: f.store,
      actor: f.admin,
      requestId: 'test',
      gates: {
        [MODEL]: {
          champion: gatePolicySchema.parse({
            datasets: ['docs-qa'],
            splitTest: {
              endpoint: 'ab',
              control: 'champion',
              candidate: 'challenger',
              metric: 'end_user_approval',
              alpha: 0.05,
            },
          }),
        },
      },
      source: 'ragops.yaml',
    });
    const res = await fetch(`${f.url}/api/v1/models/${MODEL}/promotions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ version: 2, alias: 'champion' }),
    });
    expect(res.status).toBe(200);
    const d = (await res.json()) as { outcome: string; criteria: { criterion: string; verdict: string }[] };
    expect(d.outcome).toBe('blocked');
    expect(d.criteria).toContainEqual(
      expect.objectContaining({ criterion: 'split_test:ab:end_user_approval', verdict: 'pass' }),
    );
    const cli = await runCli(
      [
        '--json',
        'promote',
        `models:/${MODEL}/2`,
        '--to',
        'champion',
        '--datasets-dir',
        join(import.meta.dirname, '..', 'evals'),
      ],
      f.home,
      { RAGOPS_METADATA_URL: f.metadataUrl },
      { cwd: f.home },
    );
    expect(cli.code, cli.stderr).toBe(3);
    const table = JSON.parse(cli.stdout) as typeof d;
    expect(table.criteria).toContainEqual(
      expect.objectContaining({ criterion: 'split_test:ab:end_user_approval', verdict: 'pass' }),
    );
  }, 120_000);
});
