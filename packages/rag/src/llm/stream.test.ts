import { ProviderCallError } from '@ragops/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OpenAIProtocolServer, startOpenAIProtocolServer } from '../test/openai-protocol-server.ts';
import type { ChatMessage } from './language-model.ts';
import { createOpenAI } from './openai/create-openai.ts';
import { createOpenAICompatible } from './openai-compatible/create-openai-compatible.ts';
import { type StreamEvent, stream } from './stream.ts';

const messages: ChatMessage[] = [{ role: 'user', content: 'alpha beta gamma delta epsilon' }];
const fast = { initialDelayMs: 1, maxDelayMs: 2, random: () => 0.5 };

let hosted: OpenAIProtocolServer;
let selfHosted: OpenAIProtocolServer;
beforeEach(async () => {
  hosted = await startOpenAIProtocolServer();
  selfHosted = await startOpenAIProtocolServer({ quirks: { rejectParams: ['stream_options'] } });
});
afterEach(async () => {
  await hosted.close();
  await selfHosted.close();
});

const openai = () => createOpenAI({ apiKey: 'sk-test', baseURL: hosted.baseURL })('gpt-test');
const compatible = () => createOpenAICompatible({ name: 'llamacpp', baseURL: selfHosted.baseURL })('local');

async function collect(events: AsyncIterable<StreamEvent>) {
  const deltas: string[] = [];
  for await (const event of events) {
    if (event.type === 'text-delta') deltas.push(event.delta);
    else return { deltas, finish: event };
  }
  throw new Error('no finish event');
}

describe('stream', () => {
  it('streams deltas and reports provider usage from stream_options.include_usage', async () => {
    const { deltas, finish } = await collect(stream({ model: openai(), messages }));
    expect(deltas.join('')).toBe('Echo: alpha beta gamma delta epsilon');
    expect(deltas.length).toBeGreaterThan(3);
    expect(finish.text).toBe(deltas.join(''));
    expect(finish.usage).toEqual({ inputTokens: 5, outputTokens: 6, totalTokens: 11, source: 'provider' });
    expect(hosted.requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('adapts to a server that rejects stream_options (probed once) and counts usage itself', async () => {
    const first = await collect(stream({ model: compatible(), messages }));
    const second = await collect(stream({ model: compatible(), messages }));
    expect(first.finish.text).toBe('Echo: alpha beta gamma delta epsilon');
    expect(first.finish.usage.source).toBe('counted');
    expect(second.finish.usage).toEqual(first.finish.usage);
    const chat = selfHosted.requests.filter((r) => r.path === '/v1/chat/completions');
    // 3 probe requests, then 2 real ones without the rejected parameter.
    expect(chat).toHaveLength(5);
    expect(chat.slice(3).every((r) => !('stream_options' in (r.body as object)))).toBe(true);
  });

  it('retries a stream cut before any text, and fails one cut after text was emitted', async () => {
    hosted.faults.push({ kind: 'cut-stream', afterChunks: 1 });
    const retried = await collect(stream({ model: openai(), messages, ...fast }));
    expect(retried.finish.failures).toHaveLength(1);
    expect(retried.finish.text).toBe('Echo: alpha beta gamma delta epsilon');

    hosted.faults.push({ kind: 'cut-stream', afterChunks: 3 });
    const deltas: string[] = [];
    const error = await (async () => {
      for await (const event of stream({ model: openai(), messages, ...fast })) {
        if (event.type === 'text-delta') deltas.push(event.delta);
      }
    })().catch((e: unknown) => e);
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect(deltas.join('')).toBe('Echo: alpha ');
  });

  it('falls back to the next model when the first fails before streaming', async () => {
    hosted.faults.push({ kind: 'status', status: 500, times: 3 });
    const events = stream({ model: [openai(), compatible()], messages, maxRetries: 2, ...fast });
    const { finish } = await collect(events);
    expect(finish.provider).toBe('llamacpp');
    expect(finish.failures.map((f) => f.statusCode)).toEqual([500, 500, 500]);
  });

  it('times out a stalled first byte and retries', async () => {
    hosted.faults.push({ kind: 'delay', ms: 10_000 });
    const { finish } = await collect(stream({ model: openai(), messages, timeoutMs: 150, ...fast }));
    expect(finish.failures[0]!.message).toMatch(/timed out/);
  });

  it('cancels the provider call when the consumer stops early', async () => {
    const events = stream({ model: openai(), messages });
    for await (const event of events) {
      expect(event.type).toBe('text-delta');
      break;
    }
    // The generator finished: a further next() is done and does not hang.
    await expect(events.next()).resolves.toMatchObject({ done: true });
  });
});
