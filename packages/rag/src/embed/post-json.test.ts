import { ProviderCallError } from '@ragops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, pump, startRawHttpServer } from '../test/raw-http.ts';
import { embedMany } from './embed-many.ts';
import {
  EMBEDDINGS_REPLY_MAX_BYTES,
  embeddingsReplyMaxBytes,
  OpenAICompatibleEmbedder,
} from './openai-compatible-embedder.ts';
import { postJson } from './post-json.ts';

describe('postJson', () => {
  it('says which embedder URL is unreachable and why, not just "fetch failed"', async () => {
    const port = await closedPort();
    const baseURL = `http://127.0.0.1:${port}/v1`;
    const error = await postJson(
      { provider: 'openai-compatible', baseURL, headers: () => ({}) },
      { path: '/embeddings', body: {}, maxReplyBytes: 1024 },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'provider_error',
      isRetryable: true,
      message: expect.stringMatching(
        new RegExp(
          `^openai-compatible: embedder http://127\\.0\\.0\\.1:${port}/v1/embeddings unreachable: ECONNREFUSED \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)$`,
        ),
      ),
    });
  });
});

describe('postJson against a server that sends too much', () => {
  // A raw HTTP server (the protocol server answers only well-formed replies): `/<mode>/<MiB>` sends
  // a JSON reply (`json`) that does not end before that many MiB, or a 500 error body (`error`)
  // that ends only when the client stops reading; `stall` starts a reply and sends no more.
  let url: string;
  let requests = 0;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const big = Buffer.alloc(1024 * 1024, 'x');
    ({ url, close } = await startRawHttpServer((req, res) => {
      requests++;
      req.resume();
      const [, mode, mib] = req.url?.split('/') ?? [];
      res.writeHead(mode === 'error' ? 500 : 200, { 'content-type': 'application/json' });
      if (mode === 'json') res.write('{"data":[],"x":"');
      if (mode === 'stall') return void res.write('{"data":[');
      pump(res, big, mode === 'error' ? Number.POSITIVE_INFINITY : Number(mib));
    }));
  });
  afterAll(() => close());

  const config = (mode: string, mib: number) => ({
    provider: 'flood',
    baseURL: `${url}/${mode}/${mib}`,
    headers: () => ({}),
  });

  it('refuses a reply over maxReplyBytes, non-retryable and naming the bound', async () => {
    const error = (await postJson(config('json', 4), {
      path: '/embeddings',
      body: {},
      maxReplyBytes: 1024 * 1024,
      maxReplyBytesFor: '2 inputs of 8 dimensions',
    }).catch((e: unknown) => e)) as ProviderCallError;
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect([error.message, error.isRetryable]).toEqual([
      `flood: POST ${url}/json/4/embeddings: reply larger than 1048576 bytes, the bound for 2 inputs of 8 dimensions: refused`,
      false,
    ]);
  });

  it('reads only the start of an error body, keeping the status', async () => {
    // Read whole, this body would end only at the timeout, as a reading failure.
    const error = (await postJson(
      { ...config('error', 0), timeoutMs: 10_000 },
      {
        path: '/embeddings',
        body: {},
        maxReplyBytes: 1024,
      },
    ).catch((e: unknown) => e)) as ProviderCallError;
    expect([error.statusCode, error.isRetryable]).toEqual([500, true]);
    expect(error.message).toMatch(/answered 500: x{500}$/);
  });

  it('a reply that stalls after its headers times out retryable, like one that never starts', async () => {
    const error = (await postJson(
      { ...config('stall', 0), timeoutMs: 200 },
      {
        path: '/embeddings',
        body: {},
        maxReplyBytes: 1024,
      },
    ).catch((e: unknown) => e)) as ProviderCallError;
    expect([error.message, error.isRetryable]).toEqual([
      `flood: embedder ${url}/stall/0/embeddings timed out after 200 ms`,
      true,
    ]);
  });

  it('the embedder bounds by its request and does not retry the refusal', async () => {
    const embedder = new OpenAICompatibleEmbedder('flood', 8, { ...config('json', 3), maxBatchSize: 2 });
    requests = 0;
    const error = (await embedMany({ embedder, values: ['a', 'b'] }).catch((e: unknown) => e)) as ProviderCallError;
    expect(error.message).toMatch(/reply larger than 1048576 bytes, the bound for 2 inputs of 8 dimensions/);
    expect([error.isRetryable, requests]).toEqual([false, 1]);
  });
});

describe('embeddingsReplyMaxBytes', () => {
  // One vector as OpenAI sends it: pretty-printed, float32 values as their shortest float64 text.
  const vectorBytes = (dimensions: number) => {
    const embedding = Array.from({ length: dimensions }, (_, i) => Math.fround(-((i % 97) + 1) * 1.2345678e-5));
    return Buffer.byteLength(JSON.stringify({ object: 'embedding', index: 2047, embedding }, null, 6));
  };

  it('leaves room for the largest legitimate batches, with a floor and a ceiling', () => {
    for (const dimensions of [256, 384, 1024, 1536, 3072]) {
      const legitimate = 2048 * vectorBytes(dimensions);
      expect(embeddingsReplyMaxBytes(2048, dimensions)).toBeGreaterThan(legitimate);
    }
    expect(embeddingsReplyMaxBytes(1, 8)).toBe(1024 * 1024);
    expect(embeddingsReplyMaxBytes(2048, 8192)).toBe(EMBEDDINGS_REPLY_MAX_BYTES);
  });
});
