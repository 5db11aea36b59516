import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type InferenceRow, type MetadataStore, openMetadataStore, queryInferenceRows } from '@ragops/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServerLogger } from '../logger.ts';
import { InferenceLog } from './inference-log.ts';

const logger = createServerLogger(
  { logFormat: 'json', logLevel: 'silent' },
  new Writable({ write: (_c, _e, d) => d() }),
);

const row = (i: number): InferenceRow => ({
  requestId: `r${i}`,
  ts: new Date().toISOString(),
  endpoint: 'e',
  source: 'http',
  servedEntity: null,
  trafficArm: 'live',
  assignment: null,
  modelUri: null,
  modelName: null,
  modelVersion: null,
  indexName: null,
  indexVersion: null,
  promptSha256: null,
  llmProvider: null,
  llmModel: null,
  llmFallbackFrom: null,
  status: 'ok',
  httpStatus: 200,
  errorCode: null,
  errorMessage: null,
  latencyTotalMs: 1,
  latencyRetrievalMs: null,
  latencyGenerationMs: null,
  ttftMs: null,
  tokensIn: null,
  tokensOut: null,
  tokensSource: null,
  costUsd: null,
  finishReason: null,
  stream: false,
  caller: null,
  stickyKey: null,
  requestMessages: null,
  answer: null,
  retrieved: null,
});

let dir: string;
let store: MetadataStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-inflog-'));
  store = await openMetadataStore(`sqlite:${join(dir, 'db')}`);
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

// A store whose transactions wait until released: "a slow store".
function gatedStore(inner: MetadataStore) {
  let release: () => void = () => {};
  let gate = new Promise<void>((r) => {
    release = r;
  });
  const slow = Object.create(inner) as MetadataStore;
  slow.transaction = async (fn) => {
    await gate;
    return inner.transaction(fn);
  };
  return {
    store: slow,
    open: () => release(),
    close: () => {
      gate = new Promise<void>((r) => {
        release = r;
      });
    },
  };
}

describe('InferenceLog', () => {
  it('writes queued rows in batches in the background', async () => {
    const log = new InferenceLog({ store, logger, queueMax: 1000, batchSize: 50, flushMs: 5 });
    for (let i = 0; i < 120; i++) expect(log.enqueue(row(i))).toBe(true);
    const deadline = Date.now() + 5_000;
    while (log.written < 120 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect((await queryInferenceRows(store, { limit: 1000 })).map((r) => r.requestId)).toEqual(
      Array.from({ length: 120 }, (_, i) => `r${i}`),
    );
    await log.close();
  });

  it('never blocks enqueue on a slow store: overflow past queueMax is dropped and counted', async () => {
    const gated = gatedStore(store);
    let droppedMetric = 0;
    const log = new InferenceLog({
      store: gated.store,
      logger,
      queueMax: 100,
      batchSize: 10,
      flushMs: 5,
      onDrop: (n) => (droppedMetric += n),
    });
    const accepted = Array.from({ length: 150 }, (_, i) => log.enqueue(row(i))).filter(Boolean).length;
    // Rows taken into the pending batch left the queue, so at least 100 and at most 100 + one batch fit.
    expect(accepted).toBeGreaterThanOrEqual(100);
    expect(accepted).toBeLessThanOrEqual(110);
    expect(log.dropped).toBe(150 - accepted);
    expect(droppedMetric).toBe(log.dropped);
    gated.open();
    await log.close();
    expect(await queryInferenceRows(store, { limit: 1000 })).toHaveLength(accepted);
  });

  it('keeps rows across a failed write and writes them on close', async () => {
    let failures = 2;
    const flaky = Object.create(store) as MetadataStore;
    flaky.transaction = async (fn) => {
      if (failures-- > 0) throw new Error('database is locked');
      return store.transaction(fn);
    };
    const log = new InferenceLog({ store: flaky, logger, queueMax: 1000, batchSize: 500, flushMs: 60_000 });
    for (let i = 0; i < 30; i++) log.enqueue(row(i));
    await expect(log.flush()).rejects.toThrow('database is locked');
    expect(log.queued).toBe(30);
    await log.close();
    expect(log.dropped).toBe(0);
    expect(await queryInferenceRows(store, { limit: 1000 })).toHaveLength(30);
  });

  it('writes a large batch in small transactions, letting the event loop run between them, in order', async () => {
    const transactions: number[] = [];
    const log = new InferenceLog({
      store,
      logger,
      queueMax: 10_000,
      batchSize: 500,
      flushMs: 60_000,
      sliceRows: 50,
      onWritten: (n) => transactions.push(n),
    });
    for (let i = 0; i < 500; i++) log.enqueue(row(i));
    // Count event-loop turns (setImmediate callbacks) that run while the flush is in progress.
    let turns = 0;
    let flushing = true;
    const spin = () => {
      if (!flushing) return;
      turns += 1;
      setImmediate(spin);
    };
    setImmediate(spin);
    const flushed = log.flush();
    // Rows enqueued mid-flush are written after the earlier ones.
    setImmediate(() => {
      for (let i = 500; i < 520; i++) log.enqueue(row(i));
    });
    await flushed;
    flushing = false;
    await log.close();
    expect(transactions.slice(0, 10)).toEqual(Array(10).fill(50));
    expect(transactions.reduce((a, b) => a + b, 0)).toBe(520);
    expect(turns).toBeGreaterThanOrEqual(9);
    expect((await queryInferenceRows(store, { limit: 1000 })).map((r) => r.requestId)).toEqual(
      Array.from({ length: 520 }, (_, i) => `r${i}`),
    );
  });

  it('never writes more than batchSize rows per transaction', async () => {
    const transactions: number[] = [];
    const log = new InferenceLog({
      store,
      logger,
      queueMax: 1000,
      batchSize: 20,
      flushMs: 60_000,
      onWritten: (n) => transactions.push(n),
    });
    for (let i = 0; i < 45; i++) log.enqueue(row(i));
    await log.close();
    expect(transactions).toEqual([20, 20, 5]);
  });
});
