import { ProviderCallError } from '@ragops/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { embedMany } from '../embed/embed-many.ts';
import { OpenAICompatibleEmbedder } from '../embed/openai-compatible-embedder.ts';
import { generate } from '../llm/generate.ts';
import type { ChatMessage } from '../llm/language-model.ts';
import { createOpenAI } from '../llm/openai/create-openai.ts';
import { stream } from '../llm/stream.ts';
import { type OpenAIProtocolServer, startOpenAIProtocolServer } from '../test/openai-protocol-server.ts';

// The one retry helper, through all three callers, against a real HTTP server on loopback. Waits are
// checked on the server's own arrival times (≥ what it asked for), never against a wall-clock ceiling.

const messages: ChatMessage[] = [{ role: 'user', content: 'alpha beta' }];
let server: OpenAIProtocolServer;
beforeEach(async () => {
  server = await startOpenAIProtocolServer({ dimensions: 4 });
});
afterEach(async () => {
  await server.close();
});

const model = () => createOpenAI({ apiKey: 'sk-test', baseURL: server.baseURL })('gpt-test');
const embedder = () =>
  new OpenAICompatibleEmbedder('test-embedding', 4, {
    provider: 'openai-compatible',
    baseURL: server.baseURL,
    headers: () => ({}),
  });
const rateLimited = (headers: Record<string, string>, path: string) =>
  server.faults.push({ kind: 'status', status: 429, headers, path });
const gapMs = (path: string) => {
  const at = server.requests.filter((r) => r.path === path).map((r) => r.receivedAtMs);
  expect(at).toHaveLength(2);
  return at[1]! - at[0]!;
};

async function drain(events: AsyncIterable<{ type: string }>): Promise<string[]> {
  const types: string[] = [];
  for await (const e of events) types.push(e.type);
  return types;
}

describe('withRetries honours Retry-After', () => {
  it('generate: waits the retry-after-ms the server asked for, then answers', async () => {
    rateLimited({ 'retry-after-ms': '400' }, '/v1/chat/completions');
    const out = await generate({ model: model(), messages });
    expect(out.text).toBe('Echo: alpha beta');
    expect(out.failures).toMatchObject([{ statusCode: 429, retryable: true }]);
    expect(gapMs('/v1/chat/completions')).toBeGreaterThanOrEqual(400);
  });

  it('generate: Retry-After in seconds and as an HTTP date', async () => {
    rateLimited({ 'retry-after': '1' }, '/v1/chat/completions');
    await generate({ model: model(), messages });
    expect(gapMs('/v1/chat/completions')).toBeGreaterThanOrEqual(1_000);

    server.requests.length = 0;
    // HTTP dates have whole seconds: ask for the second boundary at least 1 s from now.
    const at = Math.ceil(Date.now() / 1000) * 1000 + 1000;
    rateLimited({ 'retry-after': new Date(at).toUTCString() }, '/v1/chat/completions');
    await generate({ model: model(), messages });
    const retried = server.requests.filter((r) => r.path === '/v1/chat/completions');
    expect(retried).toHaveLength(2);
    expect(retried[1]!.receivedAtEpochMs).toBeGreaterThanOrEqual(at);
  }, 15_000);

  it('stream: retries a 429 before the first token after the asked delay', async () => {
    rateLimited({ 'retry-after-ms': '300' }, '/v1/chat/completions');
    const types = await drain(stream({ model: model(), messages }));
    expect(types.at(-1)).toBe('finish');
    expect(types.filter((t) => t === 'text-delta').length).toBeGreaterThan(0);
    expect(gapMs('/v1/chat/completions')).toBeGreaterThanOrEqual(300);
  });

  it('embeddings: waits the asked delay', async () => {
    rateLimited({ 'retry-after': '0.5' }, '/v1/embeddings');
    const r = await embedMany({ embedder: embedder(), values: ['a', 'b'] });
    expect(r.embeddings).toHaveLength(2);
    expect(gapMs('/v1/embeddings')).toBeGreaterThanOrEqual(500);
  });

  it('caps an absurd Retry-After (a day) at maxRetryAfterMs and retries', async () => {
    rateLimited({ 'retry-after': '86400' }, '/v1/chat/completions');
    const out = await generate({ model: model(), messages, maxRetryAfterMs: 200 });
    expect(out.text).toBe('Echo: alpha beta');
    expect(gapMs('/v1/chat/completions')).toBeGreaterThanOrEqual(200);

    rateLimited({ 'retry-after': '86400' }, '/v1/embeddings');
    await embedMany({ embedder: embedder(), values: ['a'], maxRetryAfterMs: 200 });
    expect(gapMs('/v1/embeddings')).toBeGreaterThanOrEqual(200);
  });

  it('does not retry a 400, even one carrying Retry-After', async () => {
    const bad = { kind: 'status', status: 400, headers: { 'retry-after': '0' } } as const;
    server.faults.push({ ...bad, path: '/v1/chat/completions', times: 2 }, { ...bad, path: '/v1/embeddings' });
    await expect(generate({ model: model(), messages })).rejects.toMatchObject({ statusCode: 400 });
    await expect(drain(stream({ model: model(), messages }))).rejects.toMatchObject({ statusCode: 400 });
    await expect(embedMany({ embedder: embedder(), values: ['a'] })).rejects.toMatchObject({ statusCode: 400 });
    expect(server.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(2);
    expect(server.requests.filter((r) => r.path === '/v1/embeddings')).toHaveLength(1);
  });

  it('stops waiting when the caller aborts during a Retry-After wait', async () => {
    rateLimited({ 'retry-after': '60' }, '/v1/embeddings');
    const controller = new AbortController();
    const pending = embedMany({ embedder: embedder(), values: ['a'], abortSignal: controller.signal });
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort(new Error('stopped'));
    await expect(pending).rejects.toThrow('stopped');
    expect(server.requests).toHaveLength(1);
  });

  it('a refused connection fails after the default 3 attempts, without a server Retry-After', async () => {
    const port = new URL(server.baseURL).port;
    await server.close();
    let attempts = 0;
    const refused = new OpenAICompatibleEmbedder('m', 4, {
      provider: 'openai-compatible',
      baseURL: `http://127.0.0.1:${port}/v1`,
      headers: () => ({}),
      // The real fetch, counted: nothing listens on the port any more.
      fetch: (input, init) => {
        attempts++;
        return fetch(input, init);
      },
    });
    const error = await embedMany({ embedder: refused, values: ['a'] }).catch((e: unknown) => e);
    expect(ProviderCallError.isInstance(error) && error.message).toMatch(/ECONNREFUSED/);
    expect(attempts).toBe(3);
    server = await startOpenAIProtocolServer();
  });
});
