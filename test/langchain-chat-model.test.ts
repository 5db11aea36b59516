// RagopsChatModel with LangChain's own classes (messages, chunks, .pipe) through the chain host, on a
// real index and a real store on both backends beside the real server on loopback: the served
// endpoint's answer, streamed deltas, EXECUTE, and one in-process inference row per call.
import { type AIMessageChunk, HumanMessage, SystemMessage } from '@langchain/core/messages';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { queryInferenceRows, type StoredInferenceRow } from '@ragops/core';
import { getRagopsMetadata, inProcessEndpoint, RagopsChatModel } from '@ragops/langchain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJson } from './index-cli-helpers.ts';
import { BACKENDS, type LangchainFixture, MODEL_URI, QUESTION, startLangchainFixture } from './langchain-fixture.ts';
import { INDEX, MODEL } from './serving-fixture.ts';

describe.each(BACKENDS)('RagopsChatModel (%s)', (backend) => {
  let L: LangchainFixture;
  beforeAll(async () => {
    L = await startLangchainFixture(backend);
  });
  afterAll(async () => {
    await L?.close();
  });

  it('answers as the served endpoint does for the same version, with citations and the version in metadata', async () => {
    const model = L.chatModel(L.principals.runner);
    const res = await fetch(`${L.f.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${L.tokens.runner}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'docs-qa', messages: [{ role: 'user', content: QUESTION }] }),
    });
    expect(res.status).toBe(200);
    const served = (await res.json()) as {
      choices: { message: { content: string } }[];
      ragops: { served: { version: number }; citations: { document_id: string; chunk_id: string }[] };
    };
    const reply = await model.invoke([
      new SystemMessage('You answer questions about ragops.'),
      new HumanMessage(QUESTION),
    ]);
    expect(reply.text).toBe(served.choices[0]!.message.content);
    expect(reply.text).toMatch(/champion alias marks the model version .*\[\d\]/);
    expect(await model.invoke(QUESTION)).toMatchObject({ text: reply.text });
    const meta = getRagopsMetadata(reply);
    expect(meta.served).toMatchObject({
      modelName: MODEL,
      version: 1,
      index: { name: INDEX, version: L.f.indexVersion },
    });
    expect(meta.served.version).toBe(served.ragops.served.version);
    expect(meta.modelUri).toBe(`models:/${MODEL}@champion`);
    expect(meta.citations.map((c) => c.documentId)).toEqual(served.ragops.citations.map((c) => c.document_id));
    expect(reply.id).toBe(meta.requestId);
    expect(reply.usage_metadata?.output_tokens).toBeGreaterThan(3);
  });

  it('streams the chain host’s text deltas: more than one chunk, concatenated equal to the answer', async () => {
    const model = L.chatModel(L.principals.runner);
    const whole = await model.invoke(QUESTION);
    const chunks: AIMessageChunk[] = [];
    for await (const chunk of await model.stream(QUESTION)) chunks.push(chunk);
    expect(chunks.filter((c) => c.text.length > 0).length).toBeGreaterThan(1);
    const joined = chunks.reduce((a, b) => a.concat(b));
    expect(joined.text).toBe(whole.text);
    expect(getRagopsMetadata(joined).citations).toEqual(getRagopsMetadata(whole).citations);
    expect(getRagopsMetadata(joined).served.version).toBe(1);
    // As the last step of an LCEL pipe, too.
    const piped = model.pipe(new StringOutputParser());
    let text = '';
    let parts = 0;
    for await (const part of await piped.stream(QUESTION)) {
      text += part;
      parts++;
    }
    expect(parts).toBeGreaterThan(1);
    expect(text).toBe(whole.text);
  });

  it('refuses principals without EXECUTE with typed errors, streaming too', async () => {
    await expect(L.chatModel(L.principals.reader).invoke(QUESTION)).rejects.toMatchObject({
      code: 'permission_denied',
      message: expect.stringContaining('EXECUTE'),
    });
    await expect(L.chatModel(L.principals.nobody).invoke(QUESTION)).rejects.toMatchObject({ code: 'not_found' });
    const streamed = async () => {
      for await (const _ of await L.chatModel(L.principals.reader).stream(QUESTION)) expect.unreachable();
    };
    await expect(streamed()).rejects.toMatchObject({ code: 'permission_denied' });
  });

  it('writes one inference row per call, source in-process, beside the served request’s http row', async () => {
    const model = L.chatModel(L.principals.runner);
    const reply = await model.invoke(QUESTION);
    let streamedId = '';
    for await (const chunk of await model.stream(QUESTION)) streamedId = chunk.id ?? streamedId;
    const rows = await queryInferenceRows(L.f.store, { source: 'in-process', limit: 1000 });
    const byId = (id: string) => rows.find((r) => r.requestId === id);
    const plain = byId(getRagopsMetadata(reply).requestId) as StoredInferenceRow;
    expect(plain).toMatchObject({
      endpoint: inProcessEndpoint(MODEL),
      source: 'in-process',
      status: 'ok',
      stream: false,
      caller: 'lc-runner',
      modelUri: `models:/${MODEL}@champion`,
      modelName: MODEL,
      modelVersion: 1,
      indexName: INDEX,
      indexVersion: L.f.indexVersion,
      llmProvider: 'extractive',
      answer: reply.text,
      requestMessages: [{ role: 'user', content: QUESTION }],
    });
    expect(plain.retrieved!.length).toBeGreaterThan(0);
    expect(byId(streamedId)).toMatchObject({ stream: true, status: 'ok', answer: reply.text, source: 'in-process' });
    expect(byId(streamedId)!.ttftMs).not.toBeNull();
    // Refused calls are rows too (the earlier test's), with the refusal's code and no version.
    expect(rows.filter((r) => r.caller === 'lc-reader' && r.errorCode === 'permission_denied').length).toBe(2);
    expect(rows.find((r) => r.caller === 'lc-nobody')).toMatchObject({
      status: 'error',
      errorCode: 'not_found',
      modelVersion: null,
    });
    // A consumer that stops after the first chunk: an `aborted` row with the text it had.
    let cutId = '';
    let cutText = '';
    for await (const chunk of await model.stream(QUESTION)) {
      cutId = chunk.id ?? '';
      cutText = chunk.text;
      break;
    }
    expect(cutText.length).toBeGreaterThan(0);
    expect(await L.inProcessRow(cutId)).toMatchObject({
      status: 'error',
      errorCode: 'aborted',
      stream: true,
      answer: cutText,
    });
    // content: 'none' keeps the typed columns only.
    const quiet = new RagopsChatModel({
      host: L.host,
      store: L.f.store,
      principal: L.principals.runner,
      modelUri: MODEL_URI,
      content: 'none',
    });
    const q = await quiet.invoke(QUESTION);
    expect(await L.inProcessRow(getRagopsMetadata(q).requestId)).toMatchObject({
      status: 'ok',
      answer: null,
      requestMessages: null,
      modelVersion: 1,
    });
    // `ragops inference query --source in-process` lists the same rows.
    const cli = await runJson<{ items: StoredInferenceRow[] }>(
      ['inference', 'query', '--source', 'in-process', '--limit', '1000'],
      L.f.home,
      { RAGOPS_METADATA_URL: L.f.metadataUrl },
    );
    expect(cli.items.map((r) => r.requestId).sort()).toEqual(
      (await queryInferenceRows(L.f.store, { source: 'in-process', limit: 1000 })).map((r) => r.requestId).sort(),
    );
    // The served request of the earlier test is an http row on its endpoint (the server's writer is
    // asynchronous: wait for it, as the serving tests do).
    expect(await L.f.rowWhere((r) => r.endpoint === 'docs-qa', 30_000)).toBeDefined();
    const http = await queryInferenceRows(L.f.store, { source: 'http', endpoint: 'docs-qa', limit: 1000 });
    expect(http.length).toBeGreaterThan(0);
    expect(http.every((r) => r.source === 'http')).toBe(true);
  });
});
