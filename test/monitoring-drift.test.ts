import { NotFoundError } from '@ragops/core';
import { seededRandom } from '@ragops/evals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateAlerts } from '../packages/monitoring/src/alerts/evaluate-alerts.ts';
import { computeDrift } from '../packages/monitoring/src/drift/compute-drift.ts';
import type { DriftResult } from '../packages/monitoring/src/drift/drift-config.ts';
import { driftReport } from '../packages/monitoring/src/drift/drift-report.ts';
import { createDriftRunner } from '../packages/monitoring/src/drift/drift-runner.ts';
import { readDriftWindow } from '../packages/monitoring/src/drift/drift-sample.ts';
import { MODEL, type MonitoringOpsFixture, startMonitoringOpsFixture } from './monitoring-ops-fixture.ts';

const CORPUS_TOPICS = [
  'table versions in Lance',
  'old Lance versions staying readable',
  'the champion alias',
  'which model version serves production traffic',
  'splitting endpoint traffic between versions',
  'traffic percentages of served models',
  'reviewers rating answers',
  'approval rates gating promotion',
];
const OFF_TOPICS = [
  'baking sourdough bread',
  'pruning tomato plants',
  'tuning a bicycle derailleur',
  'brewing green tea',
  'knitting a wool scarf',
  'repotting an orchid',
];
const FORMS = ['How does {t} work?', 'What about {t}?', 'Explain {t}, please.', 'Where do I read about {t}?'];

const hour = (h: number) => new Date(Date.UTC(2026, 10, 1, h)).toISOString();
const window = (h: number) => ({ start: hour(h), end: hour(h + 1) });

function traffic(f: MonitoringOpsFixture, h: number, seed: number, shifted: boolean) {
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  return Array.from({ length: 80 }, (_, i) => {
    const topics = shifted ? OFF_TOPICS : CORPUS_TOPICS;
    const question = pick(FORMS).replace('{t}', pick(topics));
    const empty = shifted && random() < 0.3;
    const score = Math.min(1, Math.max(0, (shifted ? 0.3 : 0.6) + 0.1 * (random() + random() + random() - 1.5)));
    return f.row({
      ts: new Date(Date.parse(hour(h)) + i * 40_000).toISOString(),
      requestMessages: [{ role: 'user', content: question }],
      retrieved: empty ? [] : [{ chunkId: 'c', documentId: 'lance.md', score }],
    });
  });
}

const verdicts = (results: DriftResult[], comparison: string) =>
  Object.fromEntries(results.filter((r) => r.comparison === comparison).map((r) => [r.metric, r.verdict]));

const backends = ['sqlite', ...(process.env.RAGOPS_TEST_POSTGRES_URL ? ['postgres' as const] : [])] as const;

describe.each(backends)('drift on %s', (backend) => {
  let f: MonitoringOpsFixture;
  const config = { baseline: window(0), alpha: 0.01 };

  beforeAll(async () => {
    f = await startMonitoringOpsFixture(backend);
    await f.createEndpoint('docs', { served: [{ model: `models:/${MODEL}/1`, traffic: 100 }] });
    // Hours 0–2: the same traffic resampled; hour 3: off-topic questions, lower scores, some empty retrievals.
    await f.insertRows([...traffic(f, 0, 1, false), ...traffic(f, 1, 2, false), ...traffic(f, 2, 3, false)]);
    await f.insertRows(traffic(f, 3, 4, true));
  });
  afterAll(() => f?.close());

  it('stays quiet on resampled traffic, against the baseline and the previous window', async () => {
    const results = await computeDrift({ store: f.store, home: f.home, endpoint: 'docs', current: window(2), config });
    expect(results).toHaveLength(12);
    for (const r of results) {
      expect(r.n).toEqual({ current: 80, reference: 80 });
      expect(r.verdict).toBe('stable');
      expect(r.threshold).toBe(0.01);
      expect(r.pValue).toBeGreaterThan(0);
    }
  });

  it('detects off-topic questions, lower scores and empty retrievals on every metric', async () => {
    const results = await computeDrift({ store: f.store, home: f.home, endpoint: 'docs', current: window(3), config });
    for (const comparison of ['baseline', 'previous']) {
      expect(verdicts(results, comparison)).toEqual({
        query_centroid_distance: 'drift',
        query_mmd: 'drift',
        topic_distance: 'drift',
        retrieval_score_psi: 'drift',
        retrieval_score_ks: 'drift',
        no_relevant_share: 'drift',
      });
    }
    const topic = results.find((r) => r.metric === 'topic_distance' && r.comparison === 'previous')!;
    expect(Number(topic.detail.currentDistance)).toBeGreaterThan(Number(topic.detail.referenceDistance));
    const ks = results.find((r) => r.metric === 'retrieval_score_ks')!;
    // Empty retrievals have no top score: 80 − empty on the current side.
    expect(ks.n.current).toBeLessThan(80);
  });

  it('stores one row per key (recomputing replaces) and reports to readers of the endpoint only', async () => {
    await computeDrift({ store: f.store, home: f.home, endpoint: 'docs', current: window(3), config });
    const report = await driftReport({ store: f.store, actor: f.admin }, { endpoint: 'docs' });
    expect(report.items).toHaveLength(24);
    expect(report.nextPageToken).toBeUndefined();
    expect(report.items[0]?.current).toEqual(window(3));
    const mmd = await driftReport({ store: f.store, actor: f.admin }, { endpoint: 'docs', metric: 'query_mmd' });
    expect(mmd.items.map((r) => r.verdict).sort()).toEqual(['drift', 'drift', 'stable', 'stable']);
    // No grant at all: the endpoint is not confirmed to exist (404 over REST), as getEndpoint.
    await expect(driftReport({ store: f.store, actor: f.outsider }, { endpoint: 'docs' })).rejects.toThrow(
      NotFoundError,
    );
    await expect(driftReport({ store: f.store, actor: f.admin }, { endpoint: 'nope' })).rejects.toThrow(NotFoundError);
    await expect(
      driftReport({ store: f.store, actor: f.admin }, { endpoint: 'docs', metric: 'bogus' as never }),
    ).rejects.toThrow(/metric/);
  });

  it('a window with too few requests is insufficient, not stable', async () => {
    const results = await computeDrift({
      store: f.store,
      home: f.home,
      endpoint: 'docs',
      current: window(3),
      config: { ...config, minPerSide: 100 },
    });
    expect(new Set(results.map((r) => r.verdict))).toEqual(new Set(['insufficient']));
    expect(results.every((r) => r.pValue === null && r.threshold === null)).toBe(true);
  });

  it('the server runner computes the last complete window once per window', async () => {
    await f.store.run('DELETE FROM monitoring_drift');
    const now = () => new Date(Date.parse(hour(4)) + 10 * 60_000);
    const runner = createDriftRunner({ store: f.store, home: f.home, config: { ...config, endpoints: ['docs'] }, now });
    const finished = async () => {
      runner.run();
      await runner.stop();
    };
    await finished();
    const rows = await f.store.all('SELECT current_end, computed_at FROM monitoring_drift');
    expect(rows).toHaveLength(12);
    expect(new Set(rows.map((r) => r.current_end))).toEqual(new Set([hour(4)]));
    const again = createDriftRunner({ store: f.store, home: f.home, config: { ...config, endpoints: ['docs'] }, now });
    again.run();
    await again.stop();
    expect(await f.store.all('SELECT current_end, computed_at FROM monitoring_drift')).toEqual(rows);
  });

  it('an alert rule on a drift p-value fires on the shifted window, and needs it to persist with forWindows 2', async () => {
    await f.store.run('DELETE FROM monitoring_drift');
    for (const h of [2, 3])
      await computeDrift({ store: f.store, home: f.home, endpoint: 'docs', current: window(h), config });
    const rule = {
      endpoint: 'docs',
      metric: 'drift:query_mmd:baseline',
      window: '1h' as const,
      condition: { below: 0.01 },
    };
    const now = new Date(Date.parse(hour(4)) + 60_000);
    const once = await evaluateAlerts({
      store: f.store,
      config: { rules: [{ ...rule, name: 'mmd-once', forWindows: 1 }] },
      now,
    });
    expect(once.events).toMatchObject([{ rule: 'mmd-once', series: 'v1', state: 'firing' }]);
    const twice = await evaluateAlerts({
      store: f.store,
      config: { rules: [{ ...rule, name: 'mmd-twice', forWindows: 2 }] },
      now,
    });
    expect(twice.events).toEqual([]);
  });

  it('a window busier than maxRows is sampled across its whole length, not its first requests', async () => {
    const sample = await readDriftWindow(f.store, { endpoint: 'docs', window: window(1), maxRows: 20, seed: 3 });
    expect(sample).toHaveLength(20);
    const questions = new Set(sample.map((o) => o.question));
    expect(questions.size).toBeGreaterThan(5);
    const all = await readDriftWindow(f.store, { endpoint: 'docs', window: window(1), maxRows: 1000, seed: 3 });
    expect(all).toHaveLength(80);
    // The first 20 requests of hour 1 are not the sample (the reservoir replaced some of them).
    expect(sample).not.toEqual(all.slice(0, 20));
  });
});
