import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { deterministicEmbedding } from './openai-protocol-fixtures.ts';
import { type OpenAIProtocolServer, startOpenAIProtocolServer } from './openai-protocol-server.ts';

let server: OpenAIProtocolServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const client = (s: OpenAIProtocolServer, apiKey = 'k') => new OpenAI({ baseURL: s.baseURL, apiKey, maxRetries: 0 });

describe('startOpenAIProtocolServer', () => {
  it('serves deterministic embeddings to the official SDK (base64 default and float)', async () => {
    server = await startOpenAIProtocolServer({ dimensions: 8 });
    const sdk = client(server);
    const a = await sdk.embeddings.create({ model: 'test-embedding', input: ['hello world', 'x'] });
    const b = await sdk.embeddings.create({ model: 'test-embedding', input: 'hello world', encoding_format: 'float' });
    expect(a.data).toHaveLength(2);
    expect(a.data[0]!.embedding).toHaveLength(8);
    expect(b.data[0]!.embedding).toEqual(deterministicEmbedding('hello world', 8));
    for (let i = 0; i < 8; i++) expect(a.data[0]!.embedding[i]).toBeCloseTo(b.data[0]!.embedding[i]!, 6);
    expect(a.usage.prompt_tokens).toBe(3);
    const c = await sdk.embeddings.create({ model: 'm', input: 'q', dimensions: 4, encoding_format: 'float' });
    expect(c.data[0]!.embedding).toHaveLength(4);
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/embeddings', '/v1/embeddings', '/v1/embeddings']);
  });

  it('answers chat completions plain and streamed, with usage when asked', async () => {
    server = await startOpenAIProtocolServer();
    const sdk = client(server);
    const plain = await sdk.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'what is lance' }],
    });
    expect(plain.choices[0]!.message.content).toBe('Echo: what is lance');
    expect(plain.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4 });

    const stream = await sdk.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'one two three' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Echo: one two three');
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
    const models = await sdk.models.list();
    expect(models.data.map((m) => m.id)).toContain('test-model');
  });

  it('truncates at max_tokens with finish_reason length', async () => {
    server = await startOpenAIProtocolServer();
    const res = await client(server).chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'a b c d e f' }],
      max_tokens: 3,
    });
    expect(res.choices[0]!.finish_reason).toBe('length');
    expect(res.choices[0]!.message.content).toBe('Echo: a b');
  });

  it('injects status faults for the given number of requests, then recovers', async () => {
    server = await startOpenAIProtocolServer();
    server.faults.push({ kind: 'status', status: 429, times: 2 });
    const sdk = client(server);
    const call = () => sdk.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    await expect(call()).rejects.toMatchObject({ status: 429 });
    await expect(call()).rejects.toMatchObject({ status: 429 });
    await expect(call()).resolves.toMatchObject({ object: 'chat.completion' });
    expect(server.faults.pending).toBe(0);
  });

  it('resets connections and cuts streams midway', async () => {
    server = await startOpenAIProtocolServer();
    const sdk = client(server);
    server.faults.push({ kind: 'reset' });
    await expect(
      sdk.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toThrow(/Connection error/);

    server.faults.push({ kind: 'cut-stream', afterChunks: 2 });
    const stream = await sdk.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'one two three four' }],
      stream: true,
    });
    let text = '';
    await expect(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
    ).rejects.toThrow();
    expect(text).toBe('Echo: ');
  });

  it('delays responses (a client timeout fires) and rejects params per quirks', async () => {
    server = await startOpenAIProtocolServer({ quirks: { rejectParams: ['stream_options'] } });
    server.faults.push({ kind: 'delay', ms: 5_000 });
    const sdk = new OpenAI({ baseURL: server.baseURL, apiKey: 'k', maxRetries: 0, timeout: 50 });
    await expect(
      sdk.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toThrow(/timed out/i);
    await expect(
      client(server).chat.completions.create({
        model: 'm',
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
        stream_options: { include_usage: true },
      }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/stream_options/) });
  });

  it('requires the API key when configured', async () => {
    server = await startOpenAIProtocolServer({ apiKey: 'secret' });
    await expect(client(server, 'wrong').models.list()).rejects.toMatchObject({ status: 401 });
    await expect(client(server, 'secret').models.list()).resolves.toBeDefined();
  });
});
