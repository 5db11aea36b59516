// @ragops/langchain with LangChain's own classes (LCEL pipes, ChatPromptTemplate, ChatOpenAI,
// message chunks) over a real index on disk, a real store on both backends and the real server on
// loopback: the retriever's top-k is `ragops index query`'s, the chat model's answer the served
// endpoint's, and both refuse principals without READ / EXECUTE.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type AIMessageChunk, HumanMessage, SystemMessage } from '@langchain/core/messages';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { RunnableLambda, RunnablePassthrough, RunnableSequence } from '@langchain/core/runnables';
import { ChatOpenAI } from '@langchain/openai';
import {
  createModelVersion,
  type Principal,
  queryInferenceRows,
  readPrincipal,
  revokeGrant,
  type StoredInferenceRow,
} from '@ragops/core';
import { getRagopsMetadata, inProcessEndpoint, RagopsChatModel, RagopsRetriever } from '@ragops/langchain';
import { buildIndex, type ChainHost, createChainHost } from '@ragops/rag';
import { type OpenAIProtocolServer, startOpenAIProtocolServer } from '@ragops/rag/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runJson } from './index-cli-helpers.ts';
import { INDEX, MODEL, type ServingFixture, startServingFixture } from './serving-fixture.ts';

const run = promisify(execFile);
const backends = process.env.RAGOPS_TEST_POSTGRES_URL ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);

// A second index over this repo's docs/ (dozens of chunks), so that k: 4 is a real selection.
const HANDBOOK_INDEX = 'dev.qs.handbook';
const HANDBOOK_MODEL = 'dev.qs.handbook_qa';
const MODEL_URI = `models:/${MODEL}@champion`;
const QUESTION = 'Which model version does the champion alias mark?';
const HANDBOOK_QUESTIONS = ['How are index versions pinned by a model version?', 'What does the promotion gate check?'];

type CliHits = { index: string; version: number; hits: { chunkId: string; documentId: string; score: number }[] };

describe.each(backends)('LangChain interop (%s)', (backend) => {
  let f: ServingFixture;
  let host: ChainHost;
  let llm: OpenAIProtocolServer;
  let handbookVersion: number;
  const principals: Record<'reader' | 'runner' | 'nobody', Principal> = {} as never;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    f = await startServingFixture({ backend });
    await f.registerVersion();
    await f.setAlias('champion', 1);
    await f.createEndpoint('docs-qa', { served: [{ model: `models:/${MODEL}@champion`, traffic: 100 }] });
    const build = await buildIndex({ home: f.home, name: HANDBOOK_INDEX, source: join(ROOT, 'docs') });
    handbookVersion = build.version;
    await createModelVersion({
      store: f.store,
      actor: f.admin,
      requestId: 'langchain-test',
      name: HANDBOOK_MODEL,
      package: {
        formatVersion: 1,
        chain: {
          name: 'handbook_qa',
          chunker: { strategy: 'recursive' },
          embedder: { provider: 'hash', model: 'hash', dimensions: 256 },
          retriever: { k: 4, mode: 'hybrid', filters: {} },
          prompt: {
            name: 'p',
            path: 'p.md',
            sha256: 'c'.repeat(64),
            template: '{{context}}\n\n{{question}}',
            variables: ['context', 'question'],
          },
          llm: { provider: 'extractive', model: 'extractive-v1', params: {} },
        },
        index: { name: HANDBOOK_INDEX, version: build.version },
        signature: { inputs: { question: 'string' }, outputs: { answer: 'string' } },
        run: { author: 'admin', createdAt: new Date().toISOString() },
      },
    });
    host = createChainHost({ store: f.store, home: f.home, aliasStalenessMs: 0 });
    tokens.reader = await f.userToken('lc-reader', ['READ']);
    tokens.runner = await f.userToken('lc-runner', ['EXECUTE']);
    tokens.nobody = await f.userToken('lc-nobody', []);
    for (const name of ['reader', 'runner', 'nobody'] as const)
      principals[name] = await readPrincipal(f.store, `lc-${name}`);
    llm = await startOpenAIProtocolServer();
  });
  afterAll(async () => {
    await llm?.close();
    await f?.close();
  });

  const retriever = (principal: Principal, source: ConstructorParameters<typeof RagopsRetriever>[0]['source']) =>
    new RagopsRetriever({ store: f.store, home: f.home, principal, source });
  const chatModel = (principal: Principal, modelUri = MODEL_URI) =>
    new RagopsChatModel({ host, store: f.store, principal, modelUri });
  // A stopped stream writes its row when LangChain's stream reader cancels the generator, after `break`.
  const inProcessRow = async (requestId: string): Promise<StoredInferenceRow | undefined> => {
    for (let attempt = 0; attempt < 500; attempt++) {
      const [row] = await queryInferenceRows(f.store, { source: 'in-process', requestId });
      if (row) return row;
      await new Promise((r) => setTimeout(r, 20));
    }
    return undefined;
  };
  const cliQuery = (args: string[]) => runJson<CliHits>(['index', 'query', ...args], f.home);

  it('returns, inside an LCEL pipe, the top-k of `ragops index query` on the pinned version', async () => {
    const ids = RunnableLambda.from((docs: { metadata: { chunkId: string } }[]) => docs.map((d) => d.metadata.chunkId));
    const pinned = retriever(principals.reader, { modelUri: `models:/${HANDBOOK_MODEL}/1` });
    for (const question of HANDBOOK_QUESTIONS) {
      const cli = await cliQuery([HANDBOOK_INDEX, question, '--k', '4', '--version', String(handbookVersion)]);
      expect(cli.hits).toHaveLength(4);
      expect(await pinned.pipe(ids).invoke(question)).toEqual(cli.hits.map((h) => h.chunkId));
      const docs = await RunnableSequence.from([new RunnablePassthrough<string>(), pinned]).invoke(question);
      docs.forEach((d, i) => {
        const hit = cli.hits[i]!;
        expect(d.id).toBe(hit.chunkId);
        expect(d.pageContent.length).toBeGreaterThan(0);
        expect(d.metadata).toMatchObject({
          documentId: hit.documentId,
          chunkId: hit.chunkId,
          rank: i + 1,
          indexName: HANDBOOK_INDEX,
          indexVersion: handbookVersion,
          modelVersionUri: `models:/${HANDBOOK_MODEL}/1`,
        });
        // The CLI searches through LanceDB, the retriever (like the chain) the resident in-memory copy of
        // the pinned version: same ranks, scores equal to float32 rounding (2.9e-8 apart, measured).
        expect(d.metadata.score).toBeCloseTo(hit.score, 6);
      });
    }
    // An index by name, with the CLI's own flags (full text, k 2; then the current version, defaults).
    const byName = retriever(principals.reader, { index: HANDBOOK_INDEX, k: 2, mode: 'fts' });
    const fts = await cliQuery([HANDBOOK_INDEX, HANDBOOK_QUESTIONS[1]!, '--k', '2', '--mode', 'fts']);
    expect(await byName.pipe(ids).invoke(HANDBOOK_QUESTIONS[1]!)).toEqual(fts.hits.map((h) => h.chunkId));
    const current = await cliQuery([HANDBOOK_INDEX, HANDBOOK_QUESTIONS[0]!]);
    const defaults = retriever(principals.reader, { index: HANDBOOK_INDEX });
    expect(await defaults.pipe(ids).invoke(HANDBOOK_QUESTIONS[0]!)).toEqual(current.hits.map((h) => h.chunkId));
  });

  it('feeds a prompt and a chat model (retriever → prompt → ChatOpenAI on loopback), the passages in rank order', async () => {
    const pinned = retriever(principals.reader, { modelUri: `models:/${HANDBOOK_MODEL}/1` });
    const prompt = ChatPromptTemplate.fromMessages([
      ['system', 'Answer from the context only.\n\n{context}'],
      ['human', '{question}'],
    ]);
    const formatDocs = (docs: { pageContent: string }[]) =>
      docs.map((d, i) => `[${i + 1}] ${d.pageContent}`).join('\n\n');
    const chain = RunnableSequence.from([
      { context: pinned.pipe(formatDocs), question: new RunnablePassthrough() },
      prompt,
      new ChatOpenAI({ model: 'test-model', apiKey: 'unused', configuration: { baseURL: llm.baseURL }, maxRetries: 0 }),
      new StringOutputParser(),
    ]);
    const question = HANDBOOK_QUESTIONS[0]!;
    expect(await chain.invoke(question)).toBe(`Echo: ${question}`);
    const sent = llm.requests.at(-1)!.body as { messages: { role: string; content: string }[] };
    const system = sent.messages.find((m) => m.role === 'system')!.content;
    const docs = await pinned.invoke(question);
    expect(docs).toHaveLength(4);
    const at = docs.map((d) => system.indexOf(`[${d.metadata.rank}] ${d.pageContent}`));
    expect(at.every((p) => p > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('answers as the served endpoint does for the same version, with citations and the version in metadata', async () => {
    const model = chatModel(principals.runner);
    const res = await fetch(`${f.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.runner}`, 'content-type': 'application/json' },
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
      index: { name: INDEX, version: f.indexVersion },
    });
    expect(meta.served.version).toBe(served.ragops.served.version);
    expect(meta.modelUri).toBe(`models:/${MODEL}@champion`);
    expect(meta.citations.map((c) => c.documentId)).toEqual(served.ragops.citations.map((c) => c.document_id));
    expect(reply.id).toBe(meta.requestId);
    expect(reply.usage_metadata?.output_tokens).toBeGreaterThan(3);
  });

  it('streams the chain host’s text deltas: more than one chunk, concatenated equal to the answer', async () => {
    const model = chatModel(principals.runner);
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

  it('keeps the store, host, principal and env out of LangChain’s lc_kwargs (what toJSON and tracers serialise)', () => {
    const secret = 'sk-must-not-leak';
    const r = new RagopsRetriever({
      store: f.store,
      home: f.home,
      principal: principals.reader,
      source: { index: INDEX },
      env: { OPENAI_API_KEY: secret },
      tags: ['kept'],
    });
    const m = chatModel(principals.runner);
    for (const o of [r, m]) {
      // toJSON() says not_implemented for unserialisable classes today; lc_kwargs is what it (and a
      // class made serialisable later) would write, so it must hold LangChain's own fields only.
      const json = JSON.stringify({ json: o.toJSON(), kwargs: o.lc_kwargs });
      expect(json).not.toContain(secret);
      expect(json).not.toContain('lc-reader');
      expect(json).not.toContain('lc-runner');
      expect(json).not.toContain(f.home);
    }
    expect(r.tags).toEqual(['kept']);
  });

  it('refuses principals without READ (retriever) or EXECUTE (chat model) with typed errors', async () => {
    const uri = `models:/${MODEL}@champion`;
    // EXECUTE alone sees the model but may not read it nor its index.
    await expect(retriever(principals.runner, { modelUri: uri }).invoke(QUESTION)).rejects.toMatchObject({
      name: 'PermissionDeniedError',
      code: 'permission_denied',
    });
    // USE_CATALOG and USE_SCHEMA alone: the model is hidden (not found), the index's schema visible.
    await expect(retriever(principals.nobody, { modelUri: uri }).invoke(QUESTION)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(retriever(principals.nobody, { index: INDEX }).invoke(QUESTION)).rejects.toMatchObject({
      code: 'permission_denied',
      message: expect.stringContaining('lacks READ'),
    });
    await expect(chatModel(principals.reader).invoke(QUESTION)).rejects.toMatchObject({
      code: 'permission_denied',
      message: expect.stringContaining('EXECUTE'),
    });
    await expect(chatModel(principals.nobody).invoke(QUESTION)).rejects.toMatchObject({ code: 'not_found' });
    const streamed = async () => {
      for await (const _ of await chatModel(principals.reader).stream(QUESTION)) expect.unreachable();
    };
    await expect(streamed()).rejects.toMatchObject({ code: 'permission_denied' });
    // A revoked grant takes effect on the next call of the same object.
    const reader = retriever(principals.reader, { index: INDEX });
    expect(await reader.invoke(QUESTION)).not.toHaveLength(0);
    await revokeGrant({
      store: f.store,
      actor: f.admin,
      requestId: 'langchain-test',
      grant: { principal: 'lc-reader', privilege: 'READ', securable: { type: 'schema', name: 'dev.qs' } },
    });
    await expect(reader.invoke(QUESTION)).rejects.toMatchObject({ code: 'permission_denied' });
  });

  it.runIf(backend === 'sqlite')('runs the example of docs/langchain.md (the same file) end to end', async () => {
    const example = join(ROOT, 'packages', 'langchain', 'examples', 'lcel-pipe.ts');
    const code = await readFile(example, 'utf8');
    const page = await readFile(join(ROOT, 'docs', 'langchain.md'), 'utf8');
    expect(page).toContain(code.slice(code.indexOf('import ')).trimEnd());
    await f.userToken('lc-both', ['READ', 'EXECUTE']);
    const question = HANDBOOK_QUESTIONS[0]!;
    const { stdout } = await run(join(ROOT, 'node_modules', '.bin', 'node'), [example, question], {
      cwd: ROOT,
      env: {
        ...process.env,
        RAGOPS_HOME: f.home,
        RAGOPS_METADATA_URL: f.metadataUrl,
        RAGOPS_MODEL_URI: `models:/${HANDBOOK_MODEL}/1`,
        RAGOPS_PRINCIPAL: 'lc-both',
        LLM_BASE_URL: llm.baseURL,
      },
    });
    expect(stdout).toContain(`Echo: ${question}`);
    expect(stdout).toContain(`served models:/${HANDBOOK_MODEL}/1 (index ${HANDBOOK_INDEX} v${handbookVersion})`);
    expect(stdout).toMatch(/^\[\d+\] \S+\.md$/m);
  });

  it('writes one inference row per call, source in-process, beside the served request’s http row', async () => {
    const model = chatModel(principals.runner);
    const reply = await model.invoke(QUESTION);
    let streamedId = '';
    for await (const chunk of await model.stream(QUESTION)) streamedId = chunk.id ?? streamedId;
    const rows = await queryInferenceRows(f.store, { source: 'in-process', limit: 1000 });
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
      indexVersion: f.indexVersion,
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
    expect(await inProcessRow(cutId)).toMatchObject({
      status: 'error',
      errorCode: 'aborted',
      stream: true,
      answer: cutText,
    });
    // content: 'none' keeps the typed columns only.
    const quiet = new RagopsChatModel({
      host,
      store: f.store,
      principal: principals.runner,
      modelUri: MODEL_URI,
      content: 'none',
    });
    const q = await quiet.invoke(QUESTION);
    expect(await inProcessRow(getRagopsMetadata(q).requestId)).toMatchObject({
      status: 'ok',
      answer: null,
      requestMessages: null,
      modelVersion: 1,
    });
    // `ragops inference query --source in-process` lists the same rows.
    const cli = await runJson<{ items: StoredInferenceRow[] }>(
      ['inference', 'query', '--source', 'in-process', '--limit', '1000'],
      f.home,
      { RAGOPS_METADATA_URL: f.metadataUrl },
    );
    expect(cli.items.map((r) => r.requestId).sort()).toEqual(
      (await queryInferenceRows(f.store, { source: 'in-process', limit: 1000 })).map((r) => r.requestId).sort(),
    );
    // The served request of the earlier test is an http row on its endpoint.
    const http = await queryInferenceRows(f.store, { source: 'http', endpoint: 'docs-qa', limit: 1000 });
    expect(http.length).toBeGreaterThan(0);
    expect(http.every((r) => r.source === 'http')).toBe(true);
  });
});
