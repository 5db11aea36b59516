// RagopsRetriever with LangChain's own classes (RunnableSequence, .pipe, ChatPromptTemplate, ChatOpenAI
// on loopback) over a real index on disk and a real store on both backends: the top-k of
// `ragops index query`, the grants, what LangChain serialises, and the docs page's example run.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { RunnableLambda, RunnablePassthrough, RunnableSequence } from '@langchain/core/runnables';
import { ChatOpenAI } from '@langchain/openai';
import { revokeGrant } from '@ragops/core';
import { RagopsRetriever } from '@ragops/langchain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './index-cli-helpers.ts';
import {
  BACKENDS,
  HANDBOOK_INDEX,
  HANDBOOK_MODEL,
  HANDBOOK_QUESTIONS,
  type LangchainFixture,
  QUESTION,
  startLangchainFixture,
} from './langchain-fixture.ts';
import { INDEX, MODEL } from './serving-fixture.ts';

const run = promisify(execFile);

describe.each(BACKENDS)('RagopsRetriever (%s)', (backend) => {
  let L: LangchainFixture;
  beforeAll(async () => {
    L = await startLangchainFixture(backend);
  });
  afterAll(async () => {
    await L?.close();
  });

  it('returns, inside an LCEL pipe, the top-k of `ragops index query` on the pinned version', async () => {
    const ids = RunnableLambda.from((docs: { metadata: { chunkId: string } }[]) => docs.map((d) => d.metadata.chunkId));
    const pinned = L.retriever(L.principals.reader, { modelUri: `models:/${HANDBOOK_MODEL}/1` });
    for (const question of HANDBOOK_QUESTIONS) {
      const cli = await L.cliQuery([HANDBOOK_INDEX, question, '--k', '4', '--version', String(L.handbookVersion)]);
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
          indexVersion: L.handbookVersion,
          modelVersionUri: `models:/${HANDBOOK_MODEL}/1`,
        });
        // The CLI searches through LanceDB, the retriever (like the chain) the resident in-memory copy of
        // the pinned version: same ranks, scores equal to float32 rounding (2.9e-8 apart, measured).
        expect(d.metadata.score).toBeCloseTo(hit.score, 6);
      });
    }
    // An index by name, with the CLI's own flags (full text, k 2; then the current version, defaults).
    const byName = L.retriever(L.principals.reader, { index: HANDBOOK_INDEX, k: 2, mode: 'fts' });
    const fts = await L.cliQuery([HANDBOOK_INDEX, HANDBOOK_QUESTIONS[1]!, '--k', '2', '--mode', 'fts']);
    expect(await byName.pipe(ids).invoke(HANDBOOK_QUESTIONS[1]!)).toEqual(fts.hits.map((h) => h.chunkId));
    const current = await L.cliQuery([HANDBOOK_INDEX, HANDBOOK_QUESTIONS[0]!]);
    const defaults = L.retriever(L.principals.reader, { index: HANDBOOK_INDEX });
    expect(await defaults.pipe(ids).invoke(HANDBOOK_QUESTIONS[0]!)).toEqual(current.hits.map((h) => h.chunkId));
  });

  it('feeds a prompt and a chat model (retriever → prompt → ChatOpenAI on loopback), the passages in rank order', async () => {
    const pinned = L.retriever(L.principals.reader, { modelUri: `models:/${HANDBOOK_MODEL}/1` });
    const prompt = ChatPromptTemplate.fromMessages([
      ['system', 'Answer from the context only.\n\n{context}'],
      ['human', '{question}'],
    ]);
    const formatDocs = (docs: { pageContent: string }[]) =>
      docs.map((d, i) => `[${i + 1}] ${d.pageContent}`).join('\n\n');
    const chain = RunnableSequence.from([
      { context: pinned.pipe(formatDocs), question: new RunnablePassthrough() },
      prompt,
      new ChatOpenAI({
        model: 'test-model',
        apiKey: 'unused',
        configuration: { baseURL: L.llm.baseURL },
        maxRetries: 0,
      }),
      new StringOutputParser(),
    ]);
    const question = HANDBOOK_QUESTIONS[0]!;
    expect(await chain.invoke(question)).toBe(`Echo: ${question}`);
    const sent = L.llm.requests.at(-1)!.body as { messages: { role: string; content: string }[] };
    const system = sent.messages.find((m) => m.role === 'system')!.content;
    const docs = await pinned.invoke(question);
    expect(docs).toHaveLength(4);
    const at = docs.map((d) => system.indexOf(`[${d.metadata.rank}] ${d.pageContent}`));
    expect(at.every((p) => p > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('refuses principals without READ on the model or its index with typed errors; a revoked grant counts at once', async () => {
    const uri = `models:/${MODEL}@champion`;
    // EXECUTE alone sees the model but may not read it nor its index.
    await expect(L.retriever(L.principals.runner, { modelUri: uri }).invoke(QUESTION)).rejects.toMatchObject({
      name: 'PermissionDeniedError',
      code: 'permission_denied',
    });
    // USE_CATALOG and USE_SCHEMA alone: the model is hidden (not found), the index's schema visible.
    await expect(L.retriever(L.principals.nobody, { modelUri: uri }).invoke(QUESTION)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(L.retriever(L.principals.nobody, { index: INDEX }).invoke(QUESTION)).rejects.toMatchObject({
      code: 'permission_denied',
      message: expect.stringContaining('lacks READ'),
    });
    // A revoked grant takes effect on the next call of the same object.
    const reader = L.retriever(L.principals.reader, { index: INDEX });
    expect(await reader.invoke(QUESTION)).not.toHaveLength(0);
    await revokeGrant({
      store: L.f.store,
      actor: L.f.admin,
      requestId: 'langchain-test',
      grant: { principal: 'lc-reader', privilege: 'READ', securable: { type: 'schema', name: 'dev.qs' } },
    });
    await expect(reader.invoke(QUESTION)).rejects.toMatchObject({ code: 'permission_denied' });
  });

  it('keeps the store, host, principal and env out of LangChain’s lc_kwargs (what toJSON and tracers serialise)', () => {
    const secret = 'sk-must-not-leak';
    const r = new RagopsRetriever({
      store: L.f.store,
      home: L.f.home,
      principal: L.principals.reader,
      source: { index: INDEX },
      env: { OPENAI_API_KEY: secret },
      tags: ['kept'],
    });
    const m = L.chatModel(L.principals.runner);
    for (const o of [r, m]) {
      // toJSON() says not_implemented for unserialisable classes today; lc_kwargs is what it (and a
      // class made serialisable later) would write, so it must hold LangChain's own fields only.
      const json = JSON.stringify({ json: o.toJSON(), kwargs: o.lc_kwargs });
      expect(json).not.toContain(secret);
      expect(json).not.toContain('lc-reader');
      expect(json).not.toContain('lc-runner');
      expect(json).not.toContain(L.f.home);
    }
    expect(r.tags).toEqual(['kept']);
  });

  it.runIf(backend === 'sqlite')('runs the example of docs/langchain.md (the same file) end to end', async () => {
    const example = join(ROOT, 'packages', 'langchain', 'examples', 'lcel-pipe.ts');
    const code = await readFile(example, 'utf8');
    const page = await readFile(join(ROOT, 'docs', 'langchain.md'), 'utf8');
    expect(page).toContain(code.slice(code.indexOf('import ')).trimEnd());
    await L.f.userToken('lc-both', ['READ', 'EXECUTE']);
    const question = HANDBOOK_QUESTIONS[0]!;
    const { stdout } = await run(join(ROOT, 'node_modules', '.bin', 'node'), [example, question], {
      cwd: ROOT,
      env: {
        ...process.env,
        RAGOPS_HOME: L.f.home,
        RAGOPS_METADATA_URL: L.f.metadataUrl,
        RAGOPS_MODEL_URI: `models:/${HANDBOOK_MODEL}/1`,
        RAGOPS_PRINCIPAL: 'lc-both',
        LLM_BASE_URL: L.llm.baseURL,
      },
    });
    expect(stdout).toContain(`Echo: ${question}`);
    expect(stdout).toContain(`served models:/${HANDBOOK_MODEL}/1 (index ${HANDBOOK_INDEX} v${L.handbookVersion})`);
    expect(stdout).toMatch(/^\[\d+\] \S+\.md$/m);
  });
});
