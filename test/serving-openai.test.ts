// Real clients (the official openai SDK, LangChain's ChatOpenAI) against the real app on loopback,
// with only baseURL and a ragops token set; answers, citations, usage and the inference rows.
import { ChatOpenAI } from '@langchain/openai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDEX, MODEL, type ServingFixture, startServingFixture } from './serving-fixture.ts';

type Extension = {
  served: { version: number; model_uri: string; index: { name: string; version: number } };
  citations: { n: number; document_id: string; title: string | null }[];
  contexts: { chunk_id: string; text: string }[];
};
const ext = (value: unknown) => (value as { ragops: Extension }).ragops;

let f: ServingFixture;
let sdk: OpenAI;
const question = 'Which model version does the champion alias mark?';

beforeAll(async () => {
  f = await startServingFixture();
  await f.registerVersion();
  await f.setAlias('champion', 1);
  await f.createEndpoint('docs-qa', { served: [{ model: `models:/${MODEL}@champion`, traffic: 100 }] });
  sdk = new OpenAI({ baseURL: f.baseURL, apiKey: f.adminToken, maxRetries: 0 });
});
afterAll(async () => f?.close());

describe('OpenAI-compatible serving with real clients', () => {
  it('answers the official SDK (non-streaming) with citations, contexts and usage', async () => {
    const res = await sdk.chat.completions.create({
      model: 'docs-qa',
      messages: [{ role: 'user', content: question }],
    });
    expect(res.object).toBe('chat.completion');
    expect(res.model).toBe('docs-qa');
    expect(res.choices[0]!.message.content).toMatch(/champion alias marks the model version .*\[\d\]/);
    expect(res.choices[0]!.finish_reason).toBe('stop');
    expect(res.usage!.prompt_tokens).toBeGreaterThan(10);
    expect(res.usage!.completion_tokens).toBeGreaterThan(3);
    const e = ext(res);
    expect(e.served).toMatchObject({
      version: 1,
      model_uri: `models:/${MODEL}@champion`,
      index: { name: INDEX, version: f.indexVersion },
    });
    expect(e.citations[0]).toMatchObject({ document_id: 'aliases.md', title: 'Aliases' });
    expect(e.contexts.length).toBeGreaterThan(0);
  });

  it('says in ragops.warnings what it did not apply: max_tokens (extractive) and response_format', async () => {
    const warningsOf = (value: unknown) => (value as { ragops: { warnings: string[] } }).ragops.warnings;
    const plain = await sdk.chat.completions.create({
      model: 'docs-qa',
      messages: [{ role: 'user', content: question }],
    });
    expect(warningsOf(plain)).toEqual([expect.stringMatching(/^extractive: .*no language model/)]);
    const asked = { model: 'docs-qa', messages: [{ role: 'user' as const, content: question }], max_tokens: 5 };
    const format = { type: 'json_object' as const };
    const res = await sdk.chat.completions.create({ ...asked, response_format: format });
    expect(warningsOf(res)).toEqual(
      expect.arrayContaining([
        'response_format json_object is ignored: RAG endpoints answer in text with [n] citations',
        expect.stringMatching(/^extractive: max_tokens \(5\) is ignored/),
      ]),
    );
    // Streaming carries them in the final chunk's ragops field.
    let last: unknown;
    for await (const chunk of await sdk.chat.completions.create({ ...asked, response_format: format, stream: true })) {
      if ((chunk as unknown as { ragops?: unknown }).ragops) last = chunk;
    }
    expect(warningsOf(last)).toEqual(warningsOf(res));
  });

  it('streams to the official SDK with stream_options.include_usage, same text as non-streaming', async () => {
    const plain = await sdk.chat.completions.create({
      model: 'docs-qa',
      messages: [{ role: 'user', content: question }],
    });
    const stream = await sdk.chat.completions.create({
      model: 'docs-qa',
      messages: [{ role: 'user', content: question }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    let extension: Extension | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta.content ?? '';
      finish ??= chunk.choices[0]?.finish_reason;
      if (chunk.usage) usage = chunk.usage;
      if ('ragops' in chunk) extension = ext(chunk);
    }
    expect(text).toBe(plain.choices[0]!.message.content);
    expect(chunks).toBeGreaterThan(4);
    expect(finish).toBe('stop');
    expect(usage).toEqual(plain.usage);
    expect(extension!.citations.length).toBeGreaterThan(0);
  });

  it('works with LangChain ChatOpenAI, invoke and stream', async () => {
    const chat = new ChatOpenAI({
      model: 'docs-qa',
      apiKey: f.adminToken,
      configuration: { baseURL: f.baseURL },
      maxRetries: 0,
      temperature: 0,
    });
    const message = await chat.invoke([['human', question]]);
    expect(String(message.content)).toMatch(/champion alias marks/);
    let streamed = '';
    for await (const part of await chat.stream([['human', question]])) streamed += String(part.content);
    expect(streamed).toBe(String(message.content));
  });

  it('lists endpoints as models and answers the native invocations route', async () => {
    const models = await sdk.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['docs-qa']);
    const res = await fetch(`${f.url}/serving-endpoints/docs-qa/invocations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'How do Lance table versions work?' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { answer: string; served: { version: number }; contexts: unknown[] };
    expect(body.answer).toMatch(/new table version/);
    expect(body.served.version).toBe(1);
    expect(body.contexts.length).toBeGreaterThan(0);
  });

  it('writes one typed inference row per request', async () => {
    const res = await sdk.chat.completions.create({
      model: 'docs-qa',
      messages: [{ role: 'user', content: 'How are Lance versions kept?' }],
      user: 'end-user-7',
    });
    const row = (await f.rowWhere((r) => `chatcmpl-${r.requestId}` === res.id))!;
    expect(row).toMatchObject({
      endpoint: 'docs-qa',
      servedEntity: 'champion',
      trafficArm: 'live',
      assignment: 'single',
      modelUri: `models:/${MODEL}@champion`,
      modelName: MODEL,
      modelVersion: 1,
      indexName: INDEX,
      indexVersion: f.indexVersion,
      promptSha256: 'b'.repeat(64),
      llmProvider: 'extractive',
      status: 'ok',
      httpStatus: 200,
      stream: false,
      caller: 'admin',
      stickyKey: 'end-user-7',
      answer: res.choices[0]!.message.content,
      tokensIn: res.usage!.prompt_tokens,
      tokensOut: res.usage!.completion_tokens,
      tokensSource: 'counted',
    });
    expect(row.requestMessages).toEqual([{ role: 'user', content: 'How are Lance versions kept?' }]);
    expect(row.retrieved!.length).toBeGreaterThan(0);
    expect(row.latencyTotalMs).toBeGreaterThanOrEqual(row.latencyRetrievalMs!);
  });

  it('exports serving metrics by endpoint and version, with latency split by phase', async () => {
    const text = await (await fetch(`${f.url}/metrics`)).text();
    expect(text).toMatch(/ragops_serving_requests_total\{endpoint="docs-qa",version="1",arm="live",status="ok"\} \d+/);
    for (const phase of ['total', 'retrieval', 'generation', 'ttft']) {
      expect(text).toContain(`ragops_serving_latency_seconds_count{endpoint="docs-qa",version="1",phase="${phase}"}`);
    }
    expect(text).toMatch(/ragops_serving_tokens_total\{endpoint="docs-qa",version="1",direction="out"\} \d+/);
    expect(text).toMatch(/ragops_inference_rows_written_total \d+/);
    expect(text).toMatch(/ragops_inference_queue_depth \d+/);
  });

  it('mints its own completion id: a client x-request-id is only logged as the correlation id (serving-connection.test.ts reads the log line)', async () => {
    const ask = () =>
      fetch(`${f.baseURL}/chat/completions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${f.adminToken}`,
          'content-type': 'application/json',
          'x-request-id': 'client-chosen-id',
        },
        body: JSON.stringify({ model: 'docs-qa', messages: [{ role: 'user', content: question }] }),
      });
    const [first, second] = await Promise.all([ask(), ask()]);
    const ids: string[] = [];
    for (const res of [first!, second!]) {
      expect(res.status).toBe(200);
      const body = (await res.json()) as { id: string; ragops: { request_id: string } };
      const own = body.ragops.request_id;
      expect(body.id).toBe(`chatcmpl-${own}`);
      expect(own).not.toBe('client-chosen-id');
      expect(res.headers.get('x-request-id')).toBe(own);
      expect(await f.rowWhere((r) => r.requestId === own)).toMatchObject({ endpoint: 'docs-qa', status: 'ok' });
      ids.push(own);
    }
    expect(new Set(ids).size).toBe(2);
    // A rejected request (unknown endpoint) is keyed by our id too.
    const rejected = await fetch(`${f.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.adminToken}`, 'content-type': 'application/json', 'x-request-id': 'x' },
      body: JSON.stringify({ model: 'nope', messages: [{ role: 'user', content: question }] }),
    });
    const rejectedId = rejected.headers.get('x-request-id')!;
    expect(rejectedId).not.toBe('x');
    expect(((await rejected.json()) as { error: { requestId: string } }).error.requestId).toBe(rejectedId);
    expect(await f.rowWhere((r) => r.requestId === rejectedId)).toMatchObject({ endpoint: 'nope', httpStatus: 404 });
  });
});
