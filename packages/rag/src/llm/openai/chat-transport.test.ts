import { ProviderCallError } from '@ragops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenAIProtocolServer, startOpenAIProtocolServer } from '../../test/openai-protocol-server.ts';
import { closedPort, pump, startRawHttpServer } from '../../test/raw-http.ts';
import { CHAT_REPLY_MAX_BYTES, createChatTransport } from './chat-transport.ts';

let server: OpenAIProtocolServer;
beforeAll(async () => {
  server = await startOpenAIProtocolServer({ apiKey: 'sk-test', answer: () => 'Hello there, friend.' });
});
afterAll(() => server.close());

const body = { model: 'test-model', messages: [{ role: 'user', content: 'hi' }] };

// The keep-alive pool (undici) and a given fetch are two ways to send; both must behave the same.
describe.each([
  ['connection pool', undefined],
  ['given fetch', fetch],
] as const)('chat transport through the %s', (_name, fetchImpl) => {
  const transport = () =>
    createChatTransport({
      provider: 'test',
      baseURL: `${server.baseURL}/`,
      apiKey: 'sk-test',
      ...(fetchImpl && { fetch: fetchImpl }),
    });

  it('posts the body with the bearer key and returns the JSON reply', async () => {
    server.requests.length = 0;
    const reply = (await transport().complete(body)) as { choices: { message: { content: string } }[] };
    expect(reply.choices[0]!.message.content).toBe('Hello there, friend.');
    const [recorded] = server.requests;
    expect(recorded!.path).toBe('/v1/chat/completions');
    expect(recorded!.headers.authorization).toBe('Bearer sk-test');
    expect(recorded!.body).toEqual(body);
  });

  it('streams the events JSON payloads until [DONE], joining to the answer', async () => {
    const events = await transport().stream({ ...body, stream: true });
    const deltas: string[] = [];
    let finish: string | undefined;
    for await (const e of events as AsyncIterable<{
      choices: { delta?: { content?: string }; finish_reason?: string }[];
    }>) {
      const choice = e.choices[0];
      if (choice?.delta?.content) deltas.push(choice.delta.content);
      if (choice?.finish_reason) finish = choice.finish_reason;
    }
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Hello there, friend.');
    expect(finish).toBe('stop');
  });

  it('turns a 429 into a retryable ProviderCallError with the status, message and Retry-After', async () => {
    server.faults.push({ kind: 'status', status: 429, message: 'slow down', headers: { 'retry-after': '2' } });
    const error = await transport()
      .complete(body)
      .catch((e: unknown) => e);
    expect(ProviderCallError.isInstance(error)).toBe(true);
    const e = error as ProviderCallError & { retryAfterMs?: number };
    expect(e.statusCode).toBe(429);
    expect(e.isRetryable).toBe(true);
    expect(e.message).toContain('slow down');
    expect(e.retryAfterMs).toBe(2000);
  });

  it('turns a 400 into a non-retryable error, and a reset connection into a retryable one', async () => {
    server.faults.push({ kind: 'status', status: 400, message: 'bad parameter' });
    const bad = (await transport()
      .complete(body)
      .catch((e: unknown) => e)) as ProviderCallError;
    expect([bad.statusCode, bad.isRetryable]).toEqual([400, false]);
    server.faults.push({ kind: 'reset' });
    const reset = (await transport()
      .complete(body)
      .catch((e: unknown) => e)) as ProviderCallError;
    expect(ProviderCallError.isInstance(reset)).toBe(true);
    expect(reset.isRetryable).toBe(true);
  });

  it('rethrows the caller abort reason, also while waiting for a slow reply', async () => {
    server.faults.push({ kind: 'delay', ms: 30_000 });
    const controller = new AbortController();
    const pending = transport()
      .complete(body, controller.signal)
      .catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    controller.abort('caller gone');
    expect(await pending).toBe('caller gone');
    server.faults.clear();
  });

  it('a stream cut before [DONE] ends without error (the model layer refuses a missing finish_reason)', async () => {
    server.faults.push({ kind: 'cut-stream', afterChunks: 2 });
    const events = await transport().stream({ ...body, stream: true });
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const e of events) seen.push(e);
    })().catch((e: unknown) => e);
    // Either the socket reset surfaces as a retryable error or the body just ends: never a hang.
    if (error !== undefined) expect(ProviderCallError.isInstance(error)).toBe(true);
    expect(seen.length).toBeLessThanOrEqual(2);
  });
});

it('reports a refused connection as a retryable ProviderCallError naming the cause, through the pool or a fetch', async () => {
  // Not port 1: fetch refuses it itself as unsafe.
  const port = await closedPort();
  const baseURL = `http://127.0.0.1:${port}/v1`;
  for (const t of [
    createChatTransport({ provider: 'down', baseURL }),
    createChatTransport({ provider: 'down', baseURL, fetch }),
  ]) {
    const error = (await t.complete(body).catch((e: unknown) => e)) as ProviderCallError;
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect(error.isRetryable).toBe(true);
    // One wording for both (http/network-reason.ts): the code and the address, not "fetch failed".
    expect(error.message).toBe(`down: call failed: ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:${port})`);
  }
});

describe('chat transport against a server that sends too much', () => {
  // A raw HTTP server (the protocol server answers only well-formed replies): a JSON body, an event
  // line with no end, and an error body, each larger than the transport reads.
  let url: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const big = Buffer.alloc(1024 * 1024, 'x');
    ({ url, close } = await startRawHttpServer((req, res) => {
      req.resume();
      const mode = req.url?.split('/')[1]; // baseURL …/<mode>
      res.writeHead(mode === 'error' ? 500 : 200, {
        'content-type': mode === 'stream' ? 'text/event-stream' : 'application/json',
      });
      if (mode === 'stream') res.write('data: {"choices":[],"x":"');
      else if (mode !== 'error') res.write('{"choices":[],"x":"');
      pump(res, big, CHAT_REPLY_MAX_BYTES / big.length + 2);
    }));
  });
  afterAll(() => close());

  it.each([
    ['connection pool', undefined],
    ['given fetch', fetch],
  ] as const)(
    'through the %s, refuses a JSON reply or an event over the bound, non-retryable, and reads only the start of an error body',
    async (_name, fetchImpl) => {
      const send = (mode: string) =>
        createChatTransport({ provider: 'flood', baseURL: `${url}/${mode}`, ...(fetchImpl && { fetch: fetchImpl }) });
      const json = (await send('json')
        .complete(body)
        .catch((e: unknown) => e)) as ProviderCallError;
      expect([json.message, json.isRetryable]).toEqual([expect.stringMatching(/larger than/), false]);
      const events = await send('stream').stream({ ...body, stream: true });
      const streamed = (await (async () => {
        for await (const _ of events) {
          // nothing arrives: the one event never ends
        }
      })().catch((e: unknown) => e)) as ProviderCallError;
      expect([streamed.message, streamed.isRetryable]).toEqual([expect.stringMatching(/larger than/), false]);
      const error = (await send('error')
        .complete(body)
        .catch((e: unknown) => e)) as ProviderCallError;
      expect(error.statusCode).toBe(500);
      // The start of the body is the message (its first 4 KiB read, 500 characters kept).
      expect(error.message).toMatch(/^flood: 500 x{500}$/);
    },
  );
});
