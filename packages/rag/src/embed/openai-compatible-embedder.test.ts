import { RagopsError } from '@ragops/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deterministicEmbedding } from '../test/openai-protocol-fixtures.ts';
import { type OpenAIProtocolServer, startOpenAIProtocolServer } from '../test/openai-protocol-server.ts';
import { createEmbedder } from './create-embedder.ts';
import { embedMany } from './embed-many.ts';
import { OpenAICompatibleEmbedder } from './openai-compatible-embedder.ts';

let server: OpenAIProtocolServer;
beforeAll(async () => {
  server = await startOpenAIProtocolServer({ apiKey: 'sk-test' });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
  server.faults.clear();
});

const compatible = (dimensions = 8) =>
  createEmbedder(
    {
      provider: 'openai-compatible',
      model: 'test-embedding',
      dimensions,
      baseURL: server.baseURL,
      apiKeyEnv: 'EMBED_KEY',
    },
    { env: { EMBED_KEY: 'sk-test' } },
  );

describe('openai-compatible embedder over HTTP (loopback OpenAI-protocol server)', () => {
  it('POSTs /v1/embeddings with model, input and dimensions, and parses the reply', async () => {
    const embedder = compatible();
    const r = await embedMany({ embedder, values: ['hello world', 'second text'] });
    expect(r.embeddings).toHaveLength(2);
    expect(r.embeddings[0]!.map((x) => x.toFixed(5))).toEqual(
      deterministicEmbedding('hello world', 8).map((x) => x.toFixed(5)),
    );
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.path).toBe('/v1/embeddings');
    expect(req.headers.authorization).toBe('Bearer sk-test');
    expect(req.body).toMatchObject({ model: 'test-embedding', input: ['hello world', 'second text'], dimensions: 8 });
  });

  it('batches by maxBatchSize', async () => {
    const embedder = new OpenAICompatibleEmbedder('test-embedding', 4, {
      provider: 'openai-compatible',
      baseURL: server.baseURL,
      headers: () => ({ authorization: 'Bearer sk-test' }),
      maxBatchSize: 2,
    });
    const r = await embedMany({ embedder, values: ['a', 'b', 'c', 'd', 'e'] });
    expect(r.embeddings).toHaveLength(5);
    expect(server.requests.map((q) => (q.body as { input: string[] }).input)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('retries 429 and 500 answers, then succeeds', async () => {
    server.faults.push({ kind: 'status', status: 429, times: 2 }, { kind: 'status', status: 500 });
    const r = await embedMany({ embedder: compatible(), values: ['retry me'], initialDelayMs: 5, maxRetries: 3 });
    expect(r.embeddings).toHaveLength(1);
    expect(server.requests).toHaveLength(4);
  });

  it('retries a reset connection', async () => {
    server.faults.push({ kind: 'reset' });
    const r = await embedMany({ embedder: compatible(), values: ['after reset'], initialDelayMs: 5 });
    expect(r.embeddings).toHaveLength(1);
  });

  it('does not retry a 401 (wrong key) and says which provider failed', async () => {
    const embedder = createEmbedder(
      { provider: 'openai-compatible', model: 'm', dimensions: 8, baseURL: server.baseURL, apiKeyEnv: 'EMBED_KEY' },
      { env: { EMBED_KEY: 'wrong' } },
    );
    await expect(embedMany({ embedder, values: ['x'], initialDelayMs: 5 })).rejects.toMatchObject({
      code: 'provider_error',
      statusCode: 401,
      isRetryable: false,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('a missing API key is a ConfigError naming the variable, and no request is made', async () => {
    const embedder = createEmbedder(
      { provider: 'openai', model: 'text-embedding-3-small', dimensions: 8, baseURL: server.baseURL },
      { env: {} },
    );
    const error = await embedMany({ embedder, values: ['x'] }).catch((e: unknown) => e);
    expect(RagopsError.isInstance(error) && error.code).toBe('config_error');
    expect((error as Error).message).toContain('OPENAI_API_KEY');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a reply with the wrong dimensions', async () => {
    const embedder = new OpenAICompatibleEmbedder('m', 8, {
      provider: 'openai-compatible',
      baseURL: server.baseURL,
      headers: () => ({ authorization: 'Bearer sk-test' }),
      sendDimensions: false, // the server then answers with its default size, 16
    });
    await expect(embedMany({ embedder, values: ['x'] })).rejects.toThrow(/16-dimensional.*configured for 8/);
  });

  it('config is validated with zod', () => {
    expect(() => createEmbedder({ provider: 'openai-compatible', model: 'm', dimensions: 8 })).toThrow(/baseURL/);
  });
});
