import { ProviderCallError } from '@ragops/core';
import { describe, expect, it } from 'vitest';
import { embedMany } from './embed-many.ts';
import type { CallOptions, Embedder, EmbedResult } from './embedder.ts';

/** Records batches; fails the calls listed in `failures` (call index → error). */
class RecordingEmbedder implements Embedder {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'recording';
  readonly modelId = 'rec-1';
  readonly dimensions = 2;
  readonly maxBatchSize: number;
  readonly calls: string[][] = [];
  readonly failures: Map<number, Error>;
  constructor(maxBatchSize: number, failures: Map<number, Error> = new Map()) {
    this.maxBatchSize = maxBatchSize;
    this.failures = failures;
  }
  async doEmbed({ values }: CallOptions & { values: readonly string[] }): Promise<EmbedResult> {
    const call = this.calls.push([...values]) - 1;
    const failure = this.failures.get(call);
    if (failure) throw failure;
    return { embeddings: values.map((v) => [v.length, 1]), usage: { tokens: values.length }, warnings: [] };
  }
}

// Retry waits of 1 ms: these tests count calls, not time.
const noSleep = { initialDelayMs: 1, maxDelayMs: 1 };

describe('embedMany', () => {
  it('splits into maxBatchSize batches and keeps order', async () => {
    const embedder = new RecordingEmbedder(3);
    const values = ['a', 'bb', 'ccc', 'dddd', 'eeeee', 'ffffff', 'g'];
    const progress: number[] = [];
    const r = await embedMany({ embedder, values, onProgress: (done) => progress.push(done) });
    expect(embedder.calls.map((c) => c.length)).toEqual([3, 3, 1]);
    expect(r.embeddings.map((e) => e[0])).toEqual([1, 2, 3, 4, 5, 6, 1]);
    expect(r.usage).toEqual({ tokens: 7 });
    expect(progress).toEqual([3, 6, 7]);
  });

  it('retries retryable failures (429, 5xx, network) and then succeeds', async () => {
    const failures = new Map<number, Error>([
      [0, new ProviderCallError({ provider: 'p', message: 'slow down', statusCode: 429 })],
      [1, new ProviderCallError({ provider: 'p', message: 'oops', statusCode: 503 })],
      [2, new ProviderCallError({ provider: 'p', message: 'ECONNRESET' })],
    ]);
    const embedder = new RecordingEmbedder(10, failures);
    const r = await embedMany({ embedder, values: ['x', 'y'], maxRetries: 3, ...noSleep });
    expect(embedder.calls).toHaveLength(4);
    expect(r.embeddings).toHaveLength(2);
  });

  it('gives up after the default two retries (a refused connection fails within ~1 s)', async () => {
    const always = new Map<number, Error>();
    for (let i = 0; i < 10; i++) always.set(i, new ProviderCallError({ provider: 'p', message: 'ECONNREFUSED' }));
    const refused = new RecordingEmbedder(10, always);
    await expect(embedMany({ embedder: refused, values: ['x'], ...noSleep })).rejects.toThrow('ECONNREFUSED');
    expect(refused.calls).toHaveLength(3);
  });

  it('does not retry a 400, and gives up after maxRetries', async () => {
    const bad = new RecordingEmbedder(
      10,
      new Map([[0, new ProviderCallError({ provider: 'p', message: 'bad', statusCode: 400 })]]),
    );
    await expect(embedMany({ embedder: bad, values: ['x'], ...noSleep })).rejects.toMatchObject({
      statusCode: 400,
    });
    expect(bad.calls).toHaveLength(1);

    const always = new Map<number, Error>();
    for (let i = 0; i < 10; i++)
      always.set(i, new ProviderCallError({ provider: 'p', message: 'busy', statusCode: 500 }));
    const busy = new RecordingEmbedder(10, always);
    await expect(embedMany({ embedder: busy, values: ['x'], maxRetries: 2, ...noSleep })).rejects.toMatchObject({
      statusCode: 500,
    });
    expect(busy.calls).toHaveLength(3);
  });

  it('does not retry errors that are not ProviderCallErrors', async () => {
    const embedder = new RecordingEmbedder(10, new Map([[0, new Error('bug')]]));
    await expect(embedMany({ embedder, values: ['x'], ...noSleep })).rejects.toThrow('bug');
    expect(embedder.calls).toHaveLength(1);
  });

  it('stops on abort, during a backoff wait too', async () => {
    const failures = new Map<number, Error>([
      [0, new ProviderCallError({ provider: 'p', message: 'x', statusCode: 429 })],
    ]);
    const embedder = new RecordingEmbedder(1, failures);
    const controller = new AbortController();
    const pending = embedMany({
      embedder,
      values: ['a', 'b'],
      initialDelayMs: 60_000,
      abortSignal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('stopped')), 20);
    await expect(pending).rejects.toThrow('stopped');
    expect(embedder.calls).toHaveLength(1);
  });

  it('refuses vectors of the wrong length', async () => {
    const embedder = new RecordingEmbedder(10);
    Object.defineProperty(embedder, 'dimensions', { value: 3 });
    await expect(embedMany({ embedder, values: ['x'] })).rejects.toThrow(/2-dimensional.*configured for 3/);
  });
});
