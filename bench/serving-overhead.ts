/**
 * Serving-platform overhead bench, in process and focused on what surrounds the chain:
 *
 * 1. `overhead`: the real app (`createApp`, default serving config, JSON logs at info to a file)
 *    over the repo's docs/ (tiny index) with the bench-only instant LLM; `app.fetch` is called
 *    serially (no HTTP, no load generator), so each request's time is the platform's plus the
 *    chain's. The chain's own time comes from the request's inference row (retrieval + generation
 *    latency columns, matched by x-request-id); overhead = request time − chain time. Also CPU per
 *    request (process.cpuUsage over the whole phase).
 * 2. `stall`: the inference-table writer alone (real SQLite store, default batch/flush settings)
 *    fed realistic rows (copied from phase 1, full content) at `--rows-per-second`, timing each
 *    write transaction (synchronous in node:sqlite, so the event loop is blocked that long) and
 *    watching the loop with `perf_hooks.monitorEventLoopDelay`; run twice, with one transaction
 *    per batch (`stallWholeBatch`, the writer before it wrote in slices) and with the default slices.
 *
 *   npm run bench:serving-overhead -- [--requests 2000] [--rows-per-second 1000] [--seconds 5]
 *     [--label after] [--out bench/results/serving-overhead.json]
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { type InferenceRow, openMetadataStore, queryInferenceRows } from '@ragops/core';
import { closeIndexReaders } from '@ragops/rag';
import { createApp } from '../apps/server/src/app.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import { createLifecycle } from '../apps/server/src/lifecycle.ts';
import { createServerLogger } from '../apps/server/src/logger.ts';
import { InferenceLog } from '../apps/server/src/serving/inference-log.ts';
import { type InferenceWriterThread, inferenceWriterFor } from '../apps/server/src/serving/inference-writer-thread.ts';
import { loadServingConfig } from '../apps/server/src/serving/serving-config.ts';
import { createBenchWorkspace } from './serving/bench-workspace.ts';
import { InstantLanguageModel } from './serving/instant-language-model.ts';

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '2000' },
    'rows-per-second': { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '5' },
    label: { type: 'string', default: 'run' },
    out: { type: 'string', default: 'bench/results/serving-overhead.json' },
  },
});
const root = resolve(import.meta.dirname, '..');
const requests = Number(args.requests);
const loadBefore = loadavg();

const ws = await createBenchWorkspace({ root, corpus: join(root, 'docs'), questions: '-' });
const config = loadConfig({ RAGOPS_HOME: ws.home, RAGOPS_METADATA_URL: ws.metadataUrl, RAGOPS_LOG_LEVEL: 'info' });
const store = await openMetadataStore(config.metadataUrl);
const lifecycle = createLifecycle();
const logFile = createWriteStream(join(ws.home, 'server.log'));
const serving = loadServingConfig({});
const logger = createServerLogger(config, logFile);
const app = createApp({
  store,
  config,
  logger,
  lifecycle,
  serving: {
    config: { ...serving, prices: { 'instant/*': { inputPerMillionUsd: 0.1, outputPerMillionUsd: 0.2 } } },
    customProviders: { instant: (modelId) => new InstantLanguageModel(modelId) },
  },
});

async function ask(i: number): Promise<{ id: string; ms: number }> {
  const question = ws.questions[i % ws.questions.length]!;
  const started = performance.now();
  const res = await app.fetch(
    new Request('http://bench/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: question }] }),
    }),
  );
  await res.text();
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  return { id: res.headers.get('x-request-id')!, ms };
}

// Phase 1: serial requests through the whole app.
for (let i = 0; i < 200; i++) await ask(i); // warm-up (JIT, caches, index reader)
const timings: { id: string; ms: number }[] = [];
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
for (let i = 0; i < requests; i++) timings.push(await ask(i));
const wallMs = performance.now() - wall0;
const cpu = process.cpuUsage(cpu0);
await lifecycle.shutdown(); // flushes the inference log
const rows = await queryInferenceRows(store, { endpoint: 'bench', limit: 100_000 });
const byId = new Map(rows.map((r) => [r.requestId, r]));
const overheads: number[] = [];
const chainMs: number[] = [];
for (const t of timings) {
  const row = byId.get(t.id);
  if (!row) throw new Error(`no inference row for ${t.id}`);
  const chain = (row.latencyRetrievalMs ?? 0) + (row.latencyGenerationMs ?? 0);
  chainMs.push(chain);
  overheads.push(t.ms - chain);
}
const lost = timings.length - timings.filter((t) => byId.has(t.id)).length;
const overhead = {
  requests,
  requestMs: stats(timings.map((t) => t.ms)),
  chainMs: stats(chainMs),
  overheadMs: stats(overheads),
  cpuMsPerRequest: round((cpu.user + cpu.system) / 1000 / requests),
  wallMsPerRequest: round(wallMs / requests),
  rowsLost: lost,
};

// Phase 2: the inference writer alone at a steady row rate, watching the event loop.
const template = rows[0]!;
const { seq: _seq, ...rowFields } = template;
const rate = Number(args['rows-per-second']);
const seconds = Number(args.seconds);
async function stallRun(sliceRows: number | undefined, thread: InferenceWriterThread | undefined) {
  // The real store, with each write transaction timed (it runs synchronously: the time the loop is blocked).
  // Wall time counts preemption on a busy machine; the main thread's CPU time does not.
  const transactionMs: number[] = [];
  const transactionCpuMs: number[] = [];
  const time = async <T>(fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const c = process.threadCpuUsage();
    try {
      return await fn();
    } finally {
      const used = process.threadCpuUsage(c);
      transactionCpuMs.push((used.user + used.system) / 1000);
      transactionMs.push(performance.now() - t);
    }
  };
  const timed = Object.create(store) as typeof store;
  timed.transaction = (fn) => time(() => store.transaction(fn));
  const log = new InferenceLog({
    store: timed,
    logger,
    ...serving.inference,
    ...(sliceRows !== undefined && { sliceRows }),
    ...(thread && { write: (rows: InferenceRow[]) => time(() => thread.write(rows)) }),
  });
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const stallStart = performance.now();
  let sent = 0;
  await new Promise<void>((done) => {
    const tick = setInterval(() => {
      const due = Math.min(rate * seconds, Math.floor(((performance.now() - stallStart) / 1000) * rate));
      for (; sent < due; sent++)
        log.enqueue({ ...(rowFields as InferenceRow), requestId: `stall-${sliceRows}-${sent}` });
      if (sent >= rate * seconds) {
        clearInterval(tick);
        done();
      }
    }, 1);
  });
  histogram.disable();
  await log.close();
  return {
    writer: thread ? 'worker thread' : 'main thread',
    sliceRows: sliceRows ?? 'default',
    rowsPerSecond: rate,
    seconds,
    batchSize: serving.inference.batchSize,
    flushMs: serving.inference.flushMs,
    rowsWritten: log.written,
    rowsDropped: log.dropped,
    transactions: transactionMs.length,
    transactionMs: stats(transactionMs),
    transactionCpuMs: stats(transactionCpuMs),
    eventLoopDelayMs: {
      p50: round(histogram.percentile(50) / 1e6),
      p99: round(histogram.percentile(99) / 1e6),
      max: round(histogram.max / 1e6),
    },
  };
}
// One transaction per batch (the writer before slicing) next to the default slices, same run.
const stallWhole = await stallRun(serving.inference.batchSize, undefined);
const stallSliced = await stallRun(undefined, undefined);
// What the server runs on SQLite: default slices, written by the writer thread ("write txn" is then
// the main thread's wait for the reply, and its CPU the cost of posting the rows).
const thread = inferenceWriterFor(store, logger)!;
const stall = await stallRun(undefined, thread);
await thread.close();

await store.close();
await closeIndexReaders();
await new Promise((r) => logFile.end(r));
rmSync(ws.home, { recursive: true, force: true });

const result = {
  when: new Date().toISOString(),
  label: args.label,
  command: `npm run bench:serving-overhead -- ${process.argv.slice(2).join(' ')}`.trim(),
  loadavgBefore: loadBefore,
  loadavgAfter: loadavg(),
  node: process.version,
  overhead,
  stallWholeBatch: stallWhole,
  stallSliced,
  stall,
};
const table = [
  ['metric', 'p50', 'p99', 'max'],
  ['request (in-process app.fetch) ms', ...trio(overhead.requestMs)],
  ['chain (retrieval+generation) ms', ...trio(overhead.chainMs)],
  ['platform overhead ms', ...trio(overhead.overheadMs)],
  [`write txn, ${stallWhole.batchSize}-row batches ms`, ...trio(stallWhole.transactionMs)],
  [`  (main-thread CPU) ms`, ...trio(stallWhole.transactionCpuMs)],
  [`event-loop delay, ${stallWhole.batchSize}-row batches ms`, ...trio(stallWhole.eventLoopDelayMs)],
  [`write txn, default slices ms`, ...trio(stallSliced.transactionMs)],
  [`  (main-thread CPU) ms`, ...trio(stallSliced.transactionCpuMs)],
  [`event-loop delay, default slices ms`, ...trio(stallSliced.eventLoopDelayMs)],
  [`write via thread (wait) ms`, ...trio(stall.transactionMs)],
  [`  (main-thread CPU) ms`, ...trio(stall.transactionCpuMs)],
  [`event-loop delay, writer thread ms`, ...trio(stall.eventLoopDelayMs)],
];
for (const line of table) console.log(line.map((c, i) => (i === 0 ? c.padEnd(38) : c.padStart(9))).join(''));
console.log(
  `CPU/request ${overhead.cpuMsPerRequest} ms, wall/request ${overhead.wallMsPerRequest} ms, rows lost ${lost}; ` +
    `writer @${rate} rows/s: ${stall.rowsWritten} written, ${stall.rowsDropped} dropped; load ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
);
const out = resolve(root, args.out);
mkdirSync(dirname(out), { recursive: true });
// Earlier labels in the results file are kept; a missing file starts empty, an unreadable one stops
// the run rather than being overwritten.
const previous = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>) : {};
writeFileSync(out, `${JSON.stringify({ ...previous, [args.label]: result }, null, 2)}\n`);
console.error(`wrote ${out} (key "${args.label}")`);

function stats(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => round(s[Math.min(s.length - 1, Math.floor(q * s.length))]!);
  return { p50: at(0.5), p99: at(0.99), max: round(s[s.length - 1]!) };
}
function trio(s: { p50: number; p99: number; max: number }): string[] {
  return [s.p50, s.p99, s.max].map((v) => v.toFixed(3));
}
function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
