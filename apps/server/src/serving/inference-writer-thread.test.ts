import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type InferenceRow, type MetadataStore, openMetadataStore, queryInferenceRows } from '@ragops/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServerLogger } from '../logger.ts';
import { InferenceLog } from './inference-log.ts';
import { InferenceWriterThread, inferenceWriterFor } from './inference-writer-thread.ts';

const logger = createServerLogger(
  { logFormat: 'json', logLevel: 'silent' },
  new Writable({ write: (_c, _e, d) => d() }),
);

const row = (i: number): InferenceRow =>
  ({
    requestId: `t${i}`,
    ts: new Date().toISOString(),
    endpoint: 'e',
    source: 'http',
    trafficArm: 'live',
    status: 'ok',
    httpStatus: 200,
    latencyTotalMs: 1,
    stream: false,
    requestMessages: [{ role: 'user', content: `question ${i}` }],
    answer: `answer ${i}`,
    ...Object.fromEntries(
      [
        'servedEntity',
        'assignment',
        'modelUri',
        'modelName',
        'modelVersion',
        'indexName',
        'indexVersion',
        'promptSha256',
        'llmProvider',
        'llmModel',
        'errorCode',
        'errorMessage',
        'latencyRetrievalMs',
        'latencyGenerationMs',
        'ttftMs',
        'tokensIn',
        'tokensOut',
        'tokensSource',
        'costUsd',
        'finishReason',
        'caller',
        'stickyKey',
        'retrieved',
      ].map((k) => [k, null]),
    ),
  }) as InferenceRow;

let dir: string;
let store: MetadataStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-writer-'));
  store = await openMetadataStore(`sqlite:${join(dir, 'db')}`);
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('InferenceWriterThread', () => {
  it('writes the rows of an InferenceLog from a worker thread, in order, and every row by close()', async () => {
    const thread = inferenceWriterFor(store, logger);
    expect(thread).toBeInstanceOf(InferenceWriterThread);
    const log = new InferenceLog({
      store,
      logger,
      queueMax: 10_000,
      batchSize: 100,
      flushMs: 60_000,
      write: (rows) => thread!.write(rows),
    });
    for (let i = 0; i < 250; i++) log.enqueue(row(i));
    await log.close();
    await thread!.close();
    const stored = await queryInferenceRows(store, { limit: 1000 });
    expect(stored.map((r) => r.requestId)).toEqual(Array.from({ length: 250 }, (_, i) => `t${i}`));
    expect(stored[7]).toMatchObject({ answer: 'answer 7', requestMessages: [{ role: 'user', content: 'question 7' }] });
  });

  it('falls back to the main thread when the writer thread cannot open the store', async () => {
    const written: string[] = [];
    let failure: (err: Error) => void = () => {};
    const failed = new Promise<Error>((r) => {
      failure = r;
    });
    const thread = new InferenceWriterThread({
      // `db` is the SQLite file: no folder can be made inside it.
      url: `sqlite:${join(dir, 'db', 'inside-a-file', 'db')}`,
      fallback: async (rows) => {
        written.push(...rows.map((r) => r.requestId));
      },
      onFailure: failure,
    });
    expect((await failed).message).toBeTruthy();
    await thread.write([row(1), row(2)]);
    expect(written).toEqual(['t1', 't2']);
    await thread.close();
  });
});
