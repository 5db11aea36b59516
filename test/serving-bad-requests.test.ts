// Bad requests on the serving routes: 4xx with OpenAI-style error bodies (as the SDK parses them),
// never 5xx; auth and the EXECUTE privilege; every rejected request still writes an inference row.
import { RAG_CHAIN_SIGNATURE } from '@ragops/core';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL, type ServingFixture, startServingFixture } from './serving-fixture.ts';

let f: ServingFixture;
beforeAll(async () => {
  f = await startServingFixture();
  await f.registerVersion();
  await f.setAlias('champion', 1);
  await f.createEndpoint('docs-qa', {
    served: [{ model: `models:/${MODEL}@champion`, traffic: 100 }],
    rateLimit: { requestsPerMinute: 2 },
  });
  await f.createEndpoint('open-qa', { served: [{ model: `models:/${MODEL}/1`, traffic: 100 }] });
});
afterAll(async () => f?.close());

const post = (path: string, body: string, token: string | null = f.adminToken, headers: Record<string, string> = {}) =>
  fetch(`${f.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body,
  });

async function openAIError(res: Response) {
  const body = (await res.json()) as {
    error: { message: string; type: string; param: string | null; code: string | null; requestId: string };
  };
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'requestId', 'type']);
  expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  return body.error;
}

describe('bad requests on serving routes', () => {
  const chat = '/v1/chat/completions';
  const cases: { what: string; body: string; status: number; message: RegExp; param?: string }[] = [
    { what: 'malformed JSON', body: '{"model": "open-qa",', status: 400, message: /parse the JSON body/ },
    { what: 'a JSON string', body: '"hello"', status: 400, message: /expected object/ },
    {
      what: 'messages of the wrong type',
      body: '{"model":"open-qa","messages":"hi"}',
      status: 400,
      message: /messages/,
      param: 'messages',
    },
    {
      what: 'no messages',
      body: '{"model":"open-qa","messages":[]}',
      status: 400,
      message: /messages/,
      param: 'messages',
    },
    {
      what: 'a bad role',
      body: '{"model":"open-qa","messages":[{"role":"wizard","content":"x"}]}',
      status: 400,
      message: /role/,
      param: 'messages.0.role',
    },
    {
      what: 'temperature as a string',
      body: '{"model":"open-qa","messages":[{"role":"user","content":"x"}],"temperature":"hot"}',
      status: 400,
      message: /temperature/,
    },
    {
      what: 'n > 1',
      body: '{"model":"open-qa","messages":[{"role":"user","content":"x"}],"n":3}',
      status: 400,
      message: /n/,
    },
    {
      what: 'no user message',
      body: '{"model":"open-qa","messages":[{"role":"system","content":"x"}]}',
      status: 400,
      message: /no question/,
    },
    {
      what: 'nesting deeper than 64 levels',
      body: `{"model":"open-qa","messages":[{"role":"user","content":"x","extra":${'['.repeat(100)}${']'.repeat(100)}}]}`,
      status: 400,
      message: /^body\.messages\[0\]\.extra.*: nested deeper than 64 levels$/,
    },
    {
      what: 'an unknown endpoint',
      body: '{"model":"nope","messages":[{"role":"user","content":"x"}]}',
      status: 404,
      message: /`nope` does not exist/,
      param: 'model',
    },
  ];
  it.each(cases)('$what → $status', async (c) => {
    const res = await post(chat, c.body);
    expect(res.status).toBe(c.status);
    const error = await openAIError(res);
    expect(error.message).toMatch(c.message);
    expect(error.type).toBe('invalid_request_error');
    if (c.param) expect(error.param).toBe(c.param);
  });

  it('rejects an oversized body with 413', async () => {
    // Its own connection: the server answers before reading the body, then drops the socket.
    const big = JSON.stringify({ model: 'open-qa', messages: [{ role: 'user', content: 'x'.repeat(2_000_000) }] });
    const res = await post(chat, big, f.adminToken, { connection: 'close' });
    expect(res.status).toBe(413);
  });

  it('surfaces as typed errors in the official SDK', async () => {
    const sdk = new OpenAI({ baseURL: f.baseURL, apiKey: f.adminToken, maxRetries: 0 });
    const error = await sdk.chat.completions
      .create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).message).toMatch(/does not exist/);
  });

  it('needs a valid bearer token (401) and EXECUTE on the served models (403)', async () => {
    const ok = '{"model":"open-qa","messages":[{"role":"user","content":"What is Lance?"}]}';
    expect((await post(chat, ok, null)).status).toBe(401);
    const bad = await post(chat, ok, 'rgo_not-a-token');
    expect(bad.status).toBe(401);
    expect((await openAIError(bad)).type).toBe('authentication_error');
    const reader = await f.userToken('reader', ['READ']);
    const denied = await post(chat, ok, reader);
    expect(denied.status).toBe(403);
    expect((await openAIError(denied)).type).toBe('permission_error');
    const readerSdk = new OpenAI({ baseURL: f.baseURL, apiKey: reader, maxRetries: 0 });
    expect((await readerSdk.models.list()).data).toEqual([]);
    const executor = await f.userToken('executor', ['EXECUTE']);
    expect((await post(chat, ok, executor)).status).toBe(200);
    const execSdk = new OpenAI({ baseURL: f.baseURL, apiKey: executor, maxRetries: 0 });
    expect((await execSdk.models.list()).data.map((m) => m.id)).toEqual(['docs-qa', 'open-qa']);
  });

  it('rate-limits per principal with a 429 the SDK recognises', async () => {
    const limited = await f.userToken('limited', ['EXECUTE']);
    const body = '{"model":"docs-qa","messages":[{"role":"user","content":"What is Lance?"}]}';
    expect((await post(chat, body, limited)).status).toBe(200);
    expect((await post(chat, body, limited)).status).toBe(200);
    const third = await post(chat, body, limited);
    expect(third.status).toBe(429);
    expect((await openAIError(third)).type).toBe('rate_limit_error');
    // Another principal has its own bucket.
    expect((await post(chat, body, f.adminToken)).status).toBe(200);
  });

  it('validates the native invocations body', async () => {
    const inv = '/serving-endpoints/open-qa/invocations';
    expect((await post(inv, '{"question": 3}')).status).toBe(400);
    expect((await post(inv, '{"question":"x","messages":[{"role":"user","content":"y"}]}')).status).toBe(400);
    expect((await post(inv, '{"question":"x","extra":1}')).status).toBe(400);
    expect((await post('/serving-endpoints/nope/invocations', '{"question":"x"}')).status).toBe(404);
  });

  it('accepts every input the model signature documents (one schema), and names them when none is sent', async () => {
    const sample: Record<string, unknown> = {
      messages: [{ role: 'user', content: 'What is Lance?' }],
      question: 'What is Lance?',
      temperature: 0,
      max_tokens: 50,
      user: 'u-1',
    };
    const inv = '/serving-endpoints/open-qa/invocations';
    expect(Object.keys(RAG_CHAIN_SIGNATURE.inputs).sort()).toEqual(Object.keys(sample).sort());
    for (const input of Object.keys(RAG_CHAIN_SIGNATURE.inputs)) {
      const body =
        input === 'messages' ? { messages: sample.messages } : { question: 'What is Lance?', [input]: sample[input] };
      const res = await post(inv, JSON.stringify(body));
      expect(res.status, `${input}: ${await res.clone().text()}`).toBe(200);
    }
    const neither = await post(inv, '{}');
    expect(neither.status).toBe(400);
    expect((await openAIError(neither)).message).toMatch(/messages or question/);
  });

  it('logs a row for rejected requests too', async () => {
    const res = await post(chat, '{"model":"nope","messages":[{"role":"user","content":"x"}]}');
    const requestId = res.headers.get('x-request-id')!;
    const row = await f.rowWhere((r) => r.requestId === requestId);
    expect(row).toMatchObject({
      endpoint: 'nope',
      status: 'error',
      httpStatus: 404,
      errorCode: 'not_found',
      caller: 'admin',
    });
  });
});
