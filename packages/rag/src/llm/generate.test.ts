import { ProviderCallError } from '@ragops/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type OpenAIProtocolServer, startOpenAIProtocolServer } from '../test/openai-protocol-server.ts';
import { generate } from './generate.ts';
import type { ChatMessage } from './language-model.ts';
import { createOpenAI } from './openai/create-openai.ts';
import { createOpenAICompatible } from './openai-compatible/create-openai-compatible.ts';

const messages: ChatMessage[] = [
  { role: 'system', content: 'Answer briefly.' },
  { role: 'user', content: 'how are indexes versioned' },
];
const fast = { initialDelayMs: 1, maxDelayMs: 2, random: () => 0.5 };
const CHAT = '/v1/chat/completions';

let hosted: OpenAIProtocolServer;
let selfHosted: OpenAIProtocolServer;
beforeEach(async () => {
  hosted = await startOpenAIProtocolServer();
  selfHosted = await startOpenAIProtocolServer({ quirks: { omitUsage: true } });
});
afterEach(async () => {
  await hosted.close();
  await selfHosted.close();
});

const openai = () => createOpenAI({ apiKey: 'sk-test', baseURL: hosted.baseURL })('gpt-test');
const vllm = () =>
  createOpenAICompatible({
    name: 'vllm',
    baseURL: selfHosted.baseURL,
    capabilities: { streamUsage: true, topP: true, n: true },
  })('llama-test');

describe('generate', () => {
  it('answers with provider usage and prices it', async () => {
    const out = await generate({
      model: openai(),
      messages,
      prices: { 'openai/gpt-test': { inputPerMillionUsd: 1, outputPerMillionUsd: 2 } },
    });
    expect(out.text).toBe('Echo: how are indexes versioned');
    expect(out.usage).toEqual({ inputTokens: 6, outputTokens: 5, totalTokens: 11, source: 'provider' });
    expect(out.costUsd).toBeCloseTo((6 * 1 + 5 * 2) / 1e6, 12);
    expect(out.finishReason).toEqual({ unified: 'stop', raw: 'stop' });
    expect(hosted.requests[0]!.headers.authorization).toBe('Bearer sk-test');
  });

  it('counts tokens server-side when the provider reports none, and prices self-hosted models', async () => {
    const out = await generate({
      model: vllm(),
      messages,
      prices: { 'vllm/*': { inputPerMillionUsd: 0.1, outputPerMillionUsd: 0.1 } },
    });
    expect(out.usage.source).toBe('counted');
    expect(out.usage.inputTokens).toBeGreaterThan(8); // two messages + framing, cl100k_base
    expect(out.usage.outputTokens).toBeGreaterThan(3);
    expect(out.costUsd).toBeCloseTo((out.usage.totalTokens * 0.1) / 1e6, 12);
    const unpriced = await generate({ model: vllm(), messages });
    expect(unpriced.costUsd).toBeUndefined();
  });

  it('retries 429 and 500 with backoff, then succeeds', async () => {
    hosted.faults.push({ kind: 'status', status: 429 }, { kind: 'status', status: 500 });
    const out = await generate({ model: openai(), messages, ...fast });
    expect(out.text).toMatch(/^Echo:/);
    expect(out.failures.map((f) => f.statusCode)).toEqual([429, 500]);
    expect(hosted.requests).toHaveLength(3);
  });

  it('retries a connection reset', async () => {
    hosted.faults.push({ kind: 'reset' });
    const out = await generate({ model: openai(), messages, ...fast });
    expect(out.failures).toHaveLength(1);
    expect(out.failures[0]).toMatchObject({ statusCode: undefined, retryable: true });
  });

  it('times out a slow attempt and retries it', async () => {
    hosted.faults.push({ kind: 'delay', ms: 10_000 });
    const out = await generate({ model: openai(), messages, timeoutMs: 150, ...fast });
    expect(out.failures[0]!.message).toMatch(/timed out/);
    expect(out.text).toMatch(/^Echo:/);
  });

  it('gives up after maxRetries with the last ProviderCallError', async () => {
    hosted.faults.push({ kind: 'status', status: 503, times: 5 });
    const error = await generate({ model: openai(), messages, maxRetries: 2, ...fast }).catch((e: unknown) => e);
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 503, isRetryable: true });
    expect(hosted.requests).toHaveLength(3);
  });

  it('does not retry a 400 and falls back to the next model', async () => {
    selfHosted.faults.push({ kind: 'status', status: 400, path: CHAT });
    const out = await generate({ model: [vllm(), openai()], messages, ...fast });
    expect(out.provider).toBe('openai');
    expect(out.failures).toEqual([expect.objectContaining({ provider: 'vllm', statusCode: 400, retryable: false })]);
    expect(selfHosted.requests).toHaveLength(1);
  });

  it('falls back from self-hosted to third-party after retries are spent', async () => {
    selfHosted.faults.push({ kind: 'status', status: 502, times: 10 });
    const out = await generate({ model: [vllm(), openai()], messages, maxRetries: 1, ...fast });
    expect(out.provider).toBe('openai');
    expect(out.usage.source).toBe('provider');
    expect(out.failures.map((f) => `${f.provider}:${f.statusCode}`)).toEqual(['vllm:502', 'vllm:502']);
  });

  it('wraps the last error when the whole chain fails', async () => {
    selfHosted.faults.push({ kind: 'status', status: 500, times: 10 });
    hosted.faults.push({ kind: 'status', status: 429, times: 10 });
    await expect(generate({ model: [vllm(), openai()], messages, maxRetries: 0, ...fast })).rejects.toMatchObject({
      statusCode: 429,
      message: expect.stringMatching(/all 2 models of the fallback chain failed/),
    });
  });

  it('stops at once, without retrying or falling back, when the caller aborts', async () => {
    hosted.faults.push({ kind: 'delay', ms: 10_000 });
    const controller = new AbortController();
    const pending = generate({ model: [openai(), vllm()], messages, abortSignal: controller.signal, ...fast });
    // Abort once the first provider holds the request (a fixed delay raced the request on a busy machine).
    await vi.waitFor(() => expect(hosted.requests).toHaveLength(1), { timeout: 30_000 });
    controller.abort(new Error('client went away'));
    await expect(pending).rejects.toThrow('client went away');
    expect(hosted.requests).toHaveLength(1);
    expect(selfHosted.requests).toHaveLength(0);
  });
});
