import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../build/build-index.ts';
import { createLanguageModelResolver } from '../llm/create-language-model.ts';
import { closeIndexReaders } from '../search/index-reader-cache.ts';
import { queryIndex } from '../search/query-index.ts';
import { type OpenAIProtocolServer, startOpenAIProtocolServer } from '../test/openai-protocol-server.ts';
import type { ChainPackage } from './chain-types.ts';
import { loadChain } from './load-chain.ts';

// A real index on disk and a real HTTP model on loopback that answers the reranking prompt with
// `rankingReply` and every other prompt with "ok".
let home: string;
let pinned: number;
let server: OpenAIProtocolServer;
let rankingReply = '';
const QUESTION = 'How are Lance table versions kept and cleaned up?';

const pkg = (retriever: Partial<ChainPackage['chain']['retriever']>, params: Record<string, unknown> = {}) =>
  ({
    chain: {
      name: 'docs_qa',
      retriever: { k: 3, mode: 'hybrid', filters: {}, ...retriever },
      prompt: { template: 'Context:\n{{context}}\n\nQuestion: {{question}}', sha256: 'a'.repeat(64) },
      llm: { provider: 'local', model: 'answerer', params },
    },
    index: { name: 'dev.test.kb', version: pinned },
  }) satisfies ChainPackage;
const load = (retriever: Partial<ChainPackage['chain']['retriever']>, params?: Record<string, unknown>) =>
  loadChain({
    home,
    modelName: 'dev.test.docs_qa',
    version: 1,
    package: pkg(retriever, params),
    resolveModel: createLanguageModelResolver({ local: { type: 'openai-compatible', baseURL: server.baseURL } }),
  });
const ask = async (retriever: Partial<ChainPackage['chain']['retriever']>, params?: Record<string, unknown>) =>
  (await load(retriever, params)).invoke({ question: QUESTION });
const retrieve = (rerank: 'none' | 'lexical', k: number) =>
  queryIndex({ home, name: 'dev.test.kb', version: pinned, text: QUESTION, k, rerank });
const rerankRequests = () =>
  server.requests.filter((r) =>
    (r.body as { messages?: { content: string }[] } | undefined)?.messages?.[0]?.content.startsWith('You rank'),
  );

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'ragops-chain-rerank-'));
  const docs = join(home, 'docs');
  await mkdir(docs);
  const texts = [
    'Every write to a Lance table creates a new table version; old versions are kept until cleanup.',
    'Cleanup removes Lance table versions older than the retention window unless a tag protects them.',
    'A tag on a table version protects it from cleanup, so pinned index versions stay readable.',
    'Aliases name model versions; the champion alias marks the version serving traffic.',
    'Compaction rewrites small Lance fragments into larger ones and creates a new version.',
  ];
  for (const [i, text] of texts.entries()) await writeFile(join(docs, `d${i}.md`), `# Doc ${i}\n\n${text}\n`);
  pinned = (await buildIndex({ home, name: 'dev.test.kb', source: docs })).version;
  server = await startOpenAIProtocolServer({
    answer: (messages) => (String(messages[0]?.content).startsWith('You rank') ? rankingReply : 'ok'),
  });
});
afterAll(async () => {
  await closeIndexReaders();
  await server.close();
  await rm(home, { recursive: true, force: true });
});

describe('retriever.reranker in a loaded chain', () => {
  it('none answers from the fused order; an old version without the field keeps the lexical default', async () => {
    const fused = (await retrieve('none', 3)).hits;
    const lexical = (await retrieve('lexical', 3)).hits;
    expect(fused.length).toBe(3);
    const none = await ask({ reranker: 'none' });
    expect(none.contexts.map((c) => [c.chunkId, c.score])).toEqual(fused.map((h) => [h.chunkId, h.score]));
    const old = await ask({});
    expect(old.contexts.map((c) => [c.chunkId, c.score])).toEqual(lexical.map((h) => [h.chunkId, h.score]));
    // The lexical stage rescales scores, so the two are told apart even when their order agrees.
    expect(lexical.map((h) => h.score)).not.toEqual(fused.map((h) => h.score));
    expect((await ask({ reranker: 'lexical' })).contexts).toEqual(old.contexts);
  });

  it('llm:<provider>/<model> reorders the fused order through the provider, within the chain timeout', async () => {
    const fused = (await retrieve('none', 10)).hits;
    rankingReply = '{"ranking": [4, 2]}';
    const before = rerankRequests().length;
    const out = await ask({ reranker: 'llm:local/ranker' }, { timeoutMs: 30_000 });
    expect(out.contexts.map((c) => c.chunkId)).toEqual([fused[3]!.chunkId, fused[1]!.chunkId, fused[0]!.chunkId]);
    expect(out.contexts.map((c) => c.n)).toEqual([1, 2, 3]);
    expect(out.warnings).toEqual([]);
    const sent = rerankRequests().slice(before);
    expect(sent).toHaveLength(1);
    expect((sent[0]!.body as { model: string }).model).toBe('ranker');
    // The answering LLM saw the reranked passages.
    expect(out.answer).toBe('ok');
  });

  it('a reply that is no ranking, a failing provider or a timeout keep the fused order with a warning', async () => {
    const fused = (await retrieve('none', 3)).hits.map((h) => h.chunkId);
    rankingReply = 'Passage two looks best to me.';
    const rambled = await ask({ reranker: 'llm:local/ranker' });
    expect(rambled.contexts.map((c) => c.chunkId)).toEqual(fused);
    expect(rambled.warnings).toEqual([
      'reranker llm:local/ranker: the reranking model replied with no ranking: the retrieval order was kept',
    ]);

    rankingReply = '{"ranking": [2, 1]}';
    server.faults.push({ kind: 'status', status: 400, message: 'secret-host.internal refused' });
    const failed = await ask({ reranker: 'llm:local/ranker' });
    expect(failed.contexts.map((c) => c.chunkId)).toEqual(fused);
    expect(failed.answer).toBe('ok');
    expect(failed.warnings).toHaveLength(1);
    expect(failed.warnings[0]).toMatch(/^reranker llm:local\/ranker failed \(\w+\): the retrieval order was kept$/);
    expect(failed.warnings[0]).not.toMatch(/secret-host/);

    // The chain's timeoutMs and maxRetries bound the reranking call (held far past it), then it answers.
    server.faults.push({ kind: 'delay', ms: 60_000, times: 1, path: '/v1/chat/completions' });
    const slow = await ask({ reranker: 'llm:local/ranker' }, { timeoutMs: 500, maxRetries: 0 });
    expect(server.faults.pending).toBe(0);
    expect(slow.contexts.map((c) => c.chunkId)).toEqual(fused);
    expect(slow.warnings[0]).toMatch(/^reranker llm:local\/ranker failed/);
    expect(rerankRequests().at(-1)!.clientClosed).toBe(true);
  }, 60_000);

  it("the request's abort cancels the reranking call and the request (it is not answered from the fused order)", async () => {
    server.faults.push({ kind: 'delay', ms: 60_000, times: 1, path: '/v1/chat/completions' });
    const chain = await load({ reranker: 'llm:local/ranker' });
    const controller = new AbortController();
    const before = rerankRequests().length;
    const answer = chain.invoke({ question: QUESTION, abortSignal: controller.signal });
    for (let i = 0; i < 500 && rerankRequests().length === before; i++) await new Promise((r) => setTimeout(r, 20));
    controller.abort(new Error('client went away'));
    await expect(answer).rejects.toThrow(/client went away/);
    server.faults.clear();
    for (let i = 0; i < 500 && !rerankRequests().at(-1)!.clientClosed; i++) await new Promise((r) => setTimeout(r, 20));
    expect(rerankRequests().at(-1)!.clientClosed).toBe(true);
  }, 60_000);

  it('refuses a malformed reranker or an unconfigured provider when the version loads, naming the field', async () => {
    for (const [reranker, message] of [
      ['magic', /models:\/dev\.test\.docs_qa\/1.*retriever\.reranker: must be none, lexical or llm:/],
      ['llm:local', /retriever\.reranker: must be/],
      ['llm:Local/x y', /retriever\.reranker: must be/],
    ] as const) {
      await expect(load({ reranker })).rejects.toMatchObject({
        code: 'config_error',
        message: expect.stringMatching(message),
      });
    }
    await expect(load({ reranker: 'lexical', mode: 'fts' })).rejects.toMatchObject({
      message: expect.stringMatching(/retriever\.reranker: lexical reranks hybrid retrieval only/),
    });
    await expect(load({ reranker: 'llm:nope/ranker' })).rejects.toMatchObject({
      code: 'config_error',
      message: expect.stringMatching(/nope/),
    });
  });
});
