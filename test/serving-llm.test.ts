// Serving through hosted-protocol LLMs on loopback: streaming with usage, retries on injected faults,
// fallback from the self-hosted model to the third-party one, the endpoint timeout, and a stream
// cut midway (an in-band error the SDK raises, and an error row).
import { type OpenAIProtocolServer, startOpenAIProtocolServer } from '@ragops/rag/test';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../apps/cli/src/run-cli.ts';
import { MODEL, type ServingFixture, startServingFixture } from './serving-fixture.ts';

let f: ServingFixture;
let selfHosted: OpenAIProtocolServer;
let thirdParty: OpenAIProtocolServer;
let sdk: OpenAI;
const CHAT = '/v1/chat/completions';

beforeAll(async () => {
  selfHosted = await startOpenAIProtocolServer({ quirks: { omitUsage: true } });
  thirdParty = await startOpenAIProtocolServer({ apiKey: 'sk-third' });
  f = await startServingFixture({
    providers: {
      vllm: {
        type: 'openai-compatible',
        baseURL: selfHosted.baseURL,
        capabilities: { streamUsage: true, topP: true, n: true },
      },
      openai: { type: 'openai', apiKey: 'sk-third', baseURL: thirdParty.baseURL },
    },
    serving: { prices: { 'openai/gpt-test': { inputPerMillionUsd: 1, outputPerMillionUsd: 2 } } },
  });
  const params = { maxRetries: 1, timeoutMs: 2_000, fallbacks: [{ provider: 'openai', model: 'gpt-test' }] };
  await f.registerVersion({ provider: 'vllm', model: 'llama', params });
  await f.setAlias('champion', 1);
  await f.createEndpoint('llm-qa', {
    served: [{ model: `models:/${MODEL}@champion`, traffic: 100 }],
    timeoutMs: 1_000,
  });
  sdk = new OpenAI({ baseURL: f.baseURL, apiKey: f.adminToken, maxRetries: 0 });
});
afterAll(async () => {
  await f?.close();
  await selfHosted?.close();
  await thirdParty?.close();
});
const messages = [{ role: 'user' as const, content: 'How are Lance table versions kept?' }];

describe('serving with OpenAI-protocol LLMs', () => {
  it('streams the self-hosted answer with usage counted server-side', async () => {
    const stream = await sdk.chat.completions.create({
      model: 'llm-qa',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text.startsWith('Echo: Answer from the context.')).toBe(true);
    expect(usage!.completion_tokens).toBeGreaterThan(5);
    const sent = selfHosted.requests.at(-1)!.body as { messages: { content: string }[]; stream: boolean };
    expect(sent.stream).toBe(true);
    expect(sent.messages.at(-1)!.content).toContain('Question: How are Lance table versions kept?');
  });

  it('retries a 503 from the self-hosted server', async () => {
    selfHosted.faults.push({ kind: 'status', status: 503, path: CHAT });
    const res = await sdk.chat.completions.create({ model: 'llm-qa', messages });
    expect(res.choices[0]!.message.content).toMatch(/^Echo:/);
    expect((res as unknown as { ragops: { served: { llm: { provider: string } } } }).ragops.served.llm.provider).toBe(
      'vllm',
    );
  });

  it('falls back to the third-party model when the self-hosted one keeps failing, and prices it', async () => {
    selfHosted.faults.push({ kind: 'reset', times: 2, path: CHAT });
    const res = await sdk.chat.completions.create({ model: 'llm-qa', messages });
    const ext = (res as unknown as { ragops: { served: { llm: { provider: string } }; cost_usd: number } }).ragops;
    expect(ext.served.llm.provider).toBe('openai');
    expect(ext.cost_usd).toBeGreaterThan(0);
    expect(res.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(thirdParty.requests.at(-1)!.headers.authorization).toBe('Bearer sk-third');

    // The fallback is visible: in the row, in /metrics, in the log and in `ragops inference tail`.
    const requestId = (res as unknown as { ragops: { request_id: string } }).ragops.request_id;
    const row = await f.rowWhere((r) => r.requestId === requestId);
    expect(row).toMatchObject({ llmProvider: 'openai', llmModel: 'gpt-test', llmFallbackFrom: 'vllm/llama' });
    const metrics = await (await fetch(`${f.url}/metrics`)).text();
    expect(metrics).toMatch(
      /ragops_serving_llm_fallbacks_total\{endpoint="llm-qa",version="1",from="vllm\/llama",to="openai\/gpt-test"\} 1/,
    );
    expect(f.logs.find((l) => l.msg === 'llm fallback answered' && l.requestId === requestId)).toMatchObject({
      level: 40,
      from: 'vllm/llama',
      to: 'openai/gpt-test',
    });
    const out: string[] = [];
    const io = { write: (s: string) => void out.push(s) };
    const code = await runCli(['inference', 'tail', '-n', '50'], {
      env: { RAGOPS_HOME: f.home, RAGOPS_METADATA_URL: f.metadataUrl },
      cwd: f.home,
      stdout: io,
      stderr: io,
    });
    expect(code, out.join('')).toBe(0);
    expect(out.join('')).toMatch(/openai \(fallback from vllm\/llama\)/);
  });

  it('answers 504 in the OpenAI error shape when the endpoint timeout passes', async () => {
    selfHosted.faults.push({ kind: 'delay', ms: 5_000, path: CHAT });
    const error = await sdk.chat.completions.create({ model: 'llm-qa', messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
    const requestId = (error as InstanceType<typeof OpenAI.APIError>).headers?.get('x-request-id');
    const row = await f.rowWhere((r) => r.requestId === requestId);
    expect(row).toMatchObject({ status: 'error', httpStatus: 504, errorCode: 'timeout', modelVersion: 1 });
  });

  it('raises a stream cut midway in the SDK and logs the partial answer', async () => {
    selfHosted.faults.push({ kind: 'cut-stream', afterChunks: 4, path: CHAT });
    const stream = await sdk.chat.completions.create({ model: 'llm-qa', messages, stream: true });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(text.length).toBeGreaterThan(0);
    // The stream's requestId is not visible to the SDK here; the cut is the only streamed provider_error.
    const found = await f.rowWhere((r) => r.status === 'error' && r.stream && r.errorCode === 'provider_error');
    expect(found!.answer).toBe(text);
    expect(found!.httpStatus).toBe(502);
  });

  it('cancels the LLM call when the client disconnects, and logs a 499 row', async () => {
    selfHosted.faults.push({ kind: 'delay', ms: 5_000, path: CHAT });
    const controller = new AbortController();
    const pending = fetch(`${f.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'llm-qa', messages, stream: true }),
      signal: controller.signal,
    });
    // Abort once the LLM call is in flight (the delay fault was taken), well inside the 1 s endpoint timeout.
    const deadline = Date.now() + 5_000;
    while (selfHosted.faults.pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    await expect(pending).rejects.toThrow();
    const upstream = selfHosted.requests.at(-1)!;
    while (!upstream.clientClosed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(upstream.clientClosed).toBe(true);
    const row = await f.rowWhere((r) => r.errorCode === 'client_closed');
    expect(row).toMatchObject({ status: 'error', httpStatus: 499, stream: true, modelVersion: 1 });
  });
});
