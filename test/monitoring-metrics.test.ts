// The metric tables against hand-computed values, on SQLite and (with RAGOPS_TEST_POSTGRES_URL) PostgreSQL:
// one refresh, what an incremental refresh reads and writes, late feedback, the lease.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insertInferenceRows, type MetadataStore, monitoringSpecSchema, openMetadataStore } from '@ragops/core';
import { queryMetrics, ragopsMigrationSets, refreshMetrics, upsertJudgeScores } from '@ragops/monitoring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, FIRST_REFRESH, inferenceRow, insertFeedback, seedFixture } from './monitoring-fixture.ts';
import { createFreshPostgresDatabase } from './postgres-test-database.ts';

const pgUrl = process.env.RAGOPS_TEST_POSTGRES_URL;
const backends = pgUrl ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);

const spec = monitoringSpecSchema.parse({
  refresh: { graceSeconds: 60 },
  slices: {
    by_source: { column: 'source' },
    by_status: { column: 'status' },
    by_latency: { column: 'latency_total_ms', bins: [250] },
  },
  metrics: {
    slow: { aggregate: 'count', where: { latency_total_ms: { gte: 300 } } },
    slow_rate: { aggregate: 'ratio', of: ['slow', 'request_count'] },
    mean_cost_ok: { aggregate: 'mean', column: 'cost_usd', where: { status: 'ok' } },
    p90_latency: { aggregate: 'quantile', column: 'latency_total_ms', q: 0.9 },
  },
});

describe.each(backends)('metric tables (%s)', (backend) => {
  let store: MetadataStore;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    if (backend === 'postgres') {
      const db = await createFreshPostgresDatabase(pgUrl!, 'ragops_monitor');
      store = await openMetadataStore(db.url, { migrationSets: await ragopsMigrationSets() });
      cleanup = db.drop;
    } else {
      const dir = await mkdtemp(join(tmpdir(), 'ragops-monitor-'));
      store = await openMetadataStore(`sqlite:${join(dir, 'ragops.db')}`, {
        migrationSets: await ragopsMigrationSets(),
      });
      cleanup = () => rm(dir, { recursive: true, force: true });
    }
    await seedFixture(store);
    await store.transaction((tx) =>
      upsertJudgeScores(tx, [
        {
          requestId: 'r1',
          judge: 'groundedness',
          score: 1,
          requestTs: at('10:00:10'),
          endpoint: 'qa',
          judgedAt: at('10:11:00'),
        },
        {
          requestId: 'r2',
          judge: 'groundedness',
          score: 0.5,
          requestTs: at('10:01:00'),
          endpoint: 'qa',
          judgedAt: at('10:11:00'),
        },
      ]),
    );
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  it('a first refresh reads every row and writes the hand-computed metrics of window A × version 1', async () => {
    const report = await refreshMetrics({ store, spec, now: FIRST_REFRESH });
    expect(report.status).toBe('refreshed');
    if (report.status !== 'refreshed') return;
    expect(report.rowsRead).toBe(7);
    expect(report.sizes.map((s) => [s.size, s.from, s.completeBefore, s.windowsWritten])).toEqual([
      ['5m', at('10:00:00'), at('10:15:00'), 2],
      ['1h', at('10:00:00'), at('10:00:00'), 1],
      ['1d', at('00:00:00'), at('00:00:00'), 1],
    ]);

    const { points } = await queryMetrics(store, { endpoint: 'qa', window: '5m', version: 1 });
    expect(points.map((p) => p.windowStart)).toEqual([at('10:00:00'), at('10:05:00')]);
    const a = points[0]!;
    expect(a).toMatchObject({
      servedEntity: 'champion',
      trafficArm: 'live',
      modelName: 'dev.s.qa',
      requestCount: 5,
      errorCount: 2,
      errorCodes: { http_429: 1, provider_error: 1 },
      latencyTotal: { p50: 300, p95: 480 },
      latencyRetrieval: { p50: 25, p95: 38.5 },
      latencyGeneration: { p50: 180 },
      ttft: { p50: 60 },
      tokensInSum: 40,
      tokensOutSum: 90,
      retrievalCount: 4,
      emptyRetrievalCount: 1,
      retrievalScoreHist: [1, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1],
      answerCount: 3,
      answerCharsMean: 8,
      fallbackCount: 1,
      endUserFeedback: { count: 2, rated: 2, approved: 1 },
      reviewerFeedback: { count: 2, rated: 1, approved: 1 },
      judgeScores: { groundedness: { n: 2, mean: 0.75 } },
      custom: { slow: 3, slow_rate: 0.6, p90_latency: 460 },
    });
    // Type-7 percentiles: (n − 1)·q between closest ranks.
    expect(a.latencyTotal.p99).toBeCloseTo(496, 9);
    expect(a.latencyRetrieval.p99).toBeCloseTo(39.7, 9);
    expect(a.latencyGeneration.p95).toBeCloseTo(342, 9);
    expect(a.latencyGeneration.p99).toBeCloseTo(356.4, 9);
    expect(a.ttft.p95).toBeCloseTo(69, 9);
    expect(a.ttft.p99).toBeCloseTo(69.8, 9);
    expect(a.answerCharsP95).toBeCloseTo(11.6, 9);
    expect(a.costUsdSum).toBeCloseTo(0.006, 12);
    expect(a.costPerRequestUsd).toBeCloseTo(0.0012, 12);
    expect(a.custom.mean_cost_ok).toBeCloseTo(0.002, 12);
    expect(a.retrievalScoreMean).toBeCloseTo(0.7, 12);
    expect(a.retrievalTopScoreMean).toBeCloseTo((0.9 + 0.85 + 1.2) / 3, 12);
    // Rates carry a Wilson 95% interval and their n.
    expect(a.errorRate).toMatchObject({ mean: 0.4, n: 5 });
    expect(a.errorRate!.low).toBeLessThan(0.4);
    expect(a.errorRate!.high).toBeGreaterThan(0.4);
    expect(a.emptyRetrievalRate).toMatchObject({ mean: 0.25, n: 4 });
    expect(a.endUserApproval).toMatchObject({ mean: 0.5, n: 2 });
    expect(a.reviewerApproval).toMatchObject({ mean: 1, n: 1 });
    expect(points[1]).toMatchObject({ requestCount: 1, latencyTotal: { p50: 1000 }, endUserFeedback: { count: 0 } });

    // Version 2's arm is a row of its own; the hour holds r1–r5 and r7 for version 1.
    const v2 = await queryMetrics(store, { endpoint: 'qa', window: '5m', version: 2 });
    expect(v2.points).toMatchObject([{ servedEntity: 'challenger', requestCount: 1, errorRate: { mean: 0 } }]);
    const hour = await queryMetrics(store, { endpoint: 'qa', window: '1h', arm: 'champion' });
    expect(hour.points).toMatchObject([{ requestCount: 6, errorCount: 2, latencyTotal: { p50: 350 } }]);
  });

  it('slices: one row per value of the column, or per bin', async () => {
    const status = await queryMetrics(store, { endpoint: 'qa', window: '5m', version: 1, slice: 'by_status' });
    expect(
      status.points.filter((p) => p.windowStart === at('10:00:00')).map((p) => [p.sliceValue, p.requestCount]),
    ).toEqual([
      ['error', 2],
      ['ok', 3],
    ]);
    const source = await queryMetrics(store, { endpoint: 'qa', window: '1h', slice: 'by_source', arm: 'champion' });
    expect(source.points.map((p) => [p.sliceValue, p.requestCount])).toEqual([['http', 6]]);
    const bins = await queryMetrics(store, { endpoint: 'qa', window: '5m', version: 1, slice: 'by_latency' });
    expect(bins.points.map((p) => [p.windowStart, p.sliceValue, p.requestCount])).toEqual([
      [at('10:00:00'), '<250', 2],
      [at('10:00:00'), '>=250', 3],
      [at('10:05:00'), '>=250', 1],
    ]);
  });

  it('an incremental refresh reads only rows of windows at or after the watermark, and rewrites only those', async () => {
    await store.transaction((tx) =>
      insertInferenceRows(tx, [inferenceRow('r8', { ts: at('10:22:00'), latencyTotalMs: 70 })]),
    );
    const fiveMinutes = await refreshMetrics({ store, spec, now: new Date(at('10:30:00')), sizes: ['5m'] });
    expect(fiveMinutes).toMatchObject({
      status: 'refreshed',
      rowsRead: 1,
      sizes: [{ size: '5m', from: at('10:15:00'), completeBefore: at('10:25:00'), windowsWritten: 1, staleWindows: 0 }],
    });
    const { points } = await queryMetrics(store, { endpoint: 'qa', window: '5m', version: 1 });
    expect(points.map((p) => [p.windowStart, p.requestCount, p.computedAt])).toEqual([
      [at('10:00:00'), 5, FIRST_REFRESH.toISOString()],
      [at('10:05:00'), 1, FIRST_REFRESH.toISOString()],
      [at('10:20:00'), 1, at('10:30:00')],
    ]);
    // The day is still incomplete, so every size together re-reads today's rows for it (8), no more.
    const all = await refreshMetrics({ store, spec, now: new Date(at('10:31:00')) });
    expect(all).toMatchObject({ status: 'refreshed', rowsRead: 8 });
  });

  it('feedback on a request of a completed window recomputes that window only', async () => {
    await insertFeedback(store, {
      requestId: 'r2',
      source: 'reviewer',
      approved: true,
      author: 'rev',
      at: at('10:33:00'),
    });
    const report = await refreshMetrics({ store, spec, now: new Date(at('10:35:00')), sizes: ['5m'] });
    // The 10:25 window on (nothing new) plus the stale 10:00 window's six rows.
    expect(report).toMatchObject({ status: 'refreshed', rowsRead: 6, sizes: [{ staleWindows: 1 }] });
    const { points } = await queryMetrics(store, { endpoint: 'qa', window: '5m', version: 1, until: at('10:05:00') });
    expect(points).toMatchObject([{ reviewerFeedback: { count: 3, rated: 2, approved: 2 }, requestCount: 5 }]);
  });

  it('a refresh yields to the event loop between scan pages (SQLite answers synchronously)', async () => {
    // An immediate queued before the refresh runs before it ends only if the scan gives the loop a turn:
    // without that, a server's scheduled refresh would hold every request for the whole scan.
    let ranDuringRefresh = false;
    let refreshDone = false;
    setImmediate(() => {
      ranDuringRefresh = !refreshDone;
    });
    const report = await refreshMetrics({ store, spec, now: new Date(at('10:36:00')), sizes: ['1d'], pageSize: 2 });
    refreshDone = true;
    expect(report).toMatchObject({ status: 'refreshed' });
    expect((report as { rowsRead: number }).rowsRead).toBeGreaterThan(2);
    expect(ranDuringRefresh).toBe(true);
  });

  it('a held lease makes a second refresher report busy without reading', async () => {
    const now = new Date(at('10:40:00'));
    await store.run('UPDATE monitor_leases SET holder = ?, expires_at = ?', ['replica-b', at('10:50:00')]);
    expect(await refreshMetrics({ store, spec, now, holder: 'replica-a' })).toEqual({
      status: 'busy',
      heldBy: 'replica-b',
      until: at('10:50:00'),
    });
    // Expired, it is taken over.
    expect(await refreshMetrics({ store, spec, now: new Date(at('10:51:00')), holder: 'replica-a' })).toMatchObject({
      status: 'refreshed',
    });
  });
});
