// bench:monitor — the metric tables at volume: a first refresh over ROWS inference rows (default
// 1M, one UTC day, 2 endpoints × 2 arms, 4 slices' worth of config), then incremental refreshes
// after 1 000 new rows (every window size, and 5m + 1h only: an open day window re-reads its day),
// then the dashboard's query (one endpoint's 5m series over the day) repeated, its p95. Peak RSS is
// the process's maxRSS after each phase. SQLite by default; --postgres <url> uses a fresh database
// there. Prints a table, writes bench/results/monitor.json. Never gates CI.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type InferenceRow, insertInferenceRows, monitoringSpecSchema, openMetadataStore } from '@ragops/core';
import { queryMetrics, ragopsMigrationSets, refreshMetrics } from '@ragops/monitoring';
import { createFreshPostgresDatabase } from '../test/postgres-test-database.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const ROWS = Number(arg('--rows')) || 1_000_000;
const PG = arg('--postgres');
const DAY = Date.UTC(2026, 10, 30);
const home = mkdtempSync(join(tmpdir(), 'ragops-bench-monitor-'));
const pg = PG ? await createFreshPostgresDatabase(PG, 'ragops_bench_monitor') : undefined;
const url = pg?.url ?? `sqlite:${join(home, 'ragops.db')}`;
const store = await openMetadataStore(url, { migrationSets: await ragopsMigrationSets() });
const rssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

// A seeded generator (mulberry32), so every run writes the same rows.
let seed = 42;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};

function row(i: number, ms: number): InferenceRow {
  const challenger = random() < 0.2;
  const error = random() < 0.02;
  const retrieval = 5 + random() * 20;
  const generation = error ? null : 50 + random() * 400;
  return {
    requestId: `b${i}`,
    ts: new Date(ms).toISOString(),
    endpoint: i % 2 ? 'docs-qa' : 'support',
    source: 'http',
    servedEntity: challenger ? 'challenger' : 'champion',
    trafficArm: 'live',
    assignment: 'random',
    modelUri: 'models:/dev.b.qa@champion',
    modelName: 'dev.b.qa',
    modelVersion: challenger ? 2 : 1,
    indexName: 'dev.b.kb',
    indexVersion: 1,
    promptSha256: 'c'.repeat(64),
    llmProvider: 'extractive',
    llmModel: challenger ? 'short' : 'x',
    llmFallbackFrom: random() < 0.01 ? 'openai/gpt' : null,
    status: error ? 'error' : 'ok',
    httpStatus: error ? 502 : 200,
    errorCode: error ? 'provider_error' : null,
    errorMessage: null,
    latencyTotalMs: retrieval + (generation ?? 0),
    latencyRetrievalMs: retrieval,
    latencyGenerationMs: generation,
    ttftMs: generation === null ? null : generation / 4,
    tokensIn: 300,
    tokensOut: error ? null : 80,
    tokensSource: 'counted',
    costUsd: error ? null : 0.0004,
    finishReason: error ? null : 'stop',
    stream: random() < 0.5,
    caller: `user${i % 200}`,
    stickyKey: null,
    requestMessages: null,
    answer: error ? null : 'an answer of some length',
    retrieved: [0.9, 0.7, 0.5].map((s, k) => ({ chunkId: `c${k}`, documentId: `d${k}`, score: s * random() })),
  };
}

async function insert(from: number, count: number, startMs: number, spanMs: number): Promise<void> {
  for (let i = 0; i < count; i += 10_000) {
    const batch = Array.from({ length: Math.min(10_000, count - i) }, (_, j) =>
      row(from + i + j, startMs + Math.floor(((i + j) / count) * spanMs)),
    );
    await store.transaction((tx) => insertInferenceRows(tx, batch));
  }
}

const spec = monitoringSpecSchema.parse({
  refresh: { graceSeconds: 60 },
  slices: { by_stream: { column: 'stream' }, by_llm: { column: 'llm_model' } },
  metrics: {
    slow: { aggregate: 'count', where: { latency_total_ms: { gte: 300 } } },
    slow_rate: { aggregate: 'ratio', of: ['slow', 'request_count'] },
  },
});

// Setup (not measured): ROWS rows over the day up to 23:50.
const setupStart = performance.now();
await insert(0, ROWS, DAY, 23 * 3_600_000 + 50 * 60_000);
const setupS = (performance.now() - setupStart) / 1000;
const afterSetupMb = rssMb();

const refresh = async (now: number, sizes?: ('5m' | '1h' | '1d')[]) => {
  const report = await refreshMetrics({ store, spec, now: new Date(now), ...(sizes && { sizes }) });
  if (report.status !== 'refreshed') throw new Error('bench refresh found the lease held');
  return report;
};

const first = await refresh(DAY + (23 * 60 + 55) * 60_000);
const firstMb = rssMb();
await insert(ROWS, 1_000, DAY + (23 * 60 + 55) * 60_000, 60_000);
const incrementalAll = await refresh(DAY + (23 * 60 + 57) * 60_000);
await insert(ROWS + 1_000, 1_000, DAY + (23 * 60 + 57) * 60_000, 60_000);
const incrementalShort = await refresh(DAY + (23 * 60 + 59) * 60_000, ['5m', '1h']);

const timings: number[] = [];
let points = 0;
for (let i = 0; i < 200; i++) {
  const t = performance.now();
  const q = await queryMetrics(store, {
    endpoint: 'docs-qa',
    window: '5m',
    since: new Date(DAY).toISOString(),
    limit: 5_000,
  });
  timings.push(performance.now() - t);
  points = q.points.length;
}
timings.sort((a, b) => a - b);
const p = (q: number) => timings[Math.min(timings.length - 1, Math.floor(q * timings.length))]!;

const result = {
  backend: PG ? 'postgres' : 'sqlite',
  rows: ROWS,
  setupInsertS: Number(setupS.toFixed(1)),
  firstRefresh: {
    rowsRead: first.rowsRead,
    metricRows: first.metricRows,
    seconds: Number((first.durationMs / 1000).toFixed(2)),
    rowsPerSecond: Math.round(first.rowsRead / (first.durationMs / 1000)),
    peakRssMb: firstMb,
    rssBeforeMb: afterSetupMb,
  },
  incrementalAllSizes: {
    newRows: 1_000,
    rowsRead: incrementalAll.rowsRead,
    metricRows: incrementalAll.metricRows,
    seconds: Number((incrementalAll.durationMs / 1000).toFixed(2)),
  },
  incremental5mAnd1h: {
    newRows: 1_000,
    rowsRead: incrementalShort.rowsRead,
    metricRows: incrementalShort.metricRows,
    seconds: Number((incrementalShort.durationMs / 1000).toFixed(3)),
  },
  dashboardQuery: { points, p50Ms: Number(p(0.5).toFixed(2)), p95Ms: Number(p(0.95).toFixed(2)), runs: 200 },
  peakRssMb: rssMb(),
  loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
};

console.table({
  'first refresh': {
    rows: result.firstRefresh.rowsRead,
    seconds: result.firstRefresh.seconds,
    'rows/s': result.firstRefresh.rowsPerSecond,
    'peak RSS MB': result.firstRefresh.peakRssMb,
  },
  'incremental, all sizes': { rows: incrementalAll.rowsRead, seconds: result.incrementalAllSizes.seconds },
  'incremental, 5m + 1h': { rows: incrementalShort.rowsRead, seconds: result.incremental5mAnd1h.seconds },
  'dashboard query': { rows: points, 'p50 ms': result.dashboardQuery.p50Ms, 'p95 ms': result.dashboardQuery.p95Ms },
});
console.log(JSON.stringify(result));
writeFileSync(
  join(import.meta.dirname, 'results', `monitor${PG ? '-postgres' : ''}.json`),
  `${JSON.stringify(result, null, 2)}\n`,
);
await store.close();
await pg?.drop();
rmSync(home, { recursive: true, force: true });
