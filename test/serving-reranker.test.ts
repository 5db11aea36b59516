// retriever.reranker end to end: a version registered with `llm:<provider>/<model>` is
// served with the passages in the order a real OpenAI-protocol model on loopback ranks them; a reply
// that is no ranking still answers (200) with the fused order and a `ragops.warnings` line; a
// malformed reranker or an unconfigured provider is refused by REST (400) and the CLI (exit 2),
// each naming the field.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createModelVersion, getModelVersion } from '@ragops/core';
import { queryIndex } from '@ragops/rag';
import { type OpenAIProtocolServer, startOpenAIProtocolServer } from '@ragops/rag/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './index-cli-helpers.ts';
import { INDEX, MODEL, type ServingFixture, startServingFixture } from './serving-fixture.ts';

const QUESTION = 'How do Lance table versions and aliases work?';
let f: ServingFixture;
let llm: OpenAIProtocolServer;
let rankingReply = '';

beforeAll(async () => {
  llm = await startOpenAIProtocolServer({ answer: () => rankingReply });
  f = await startServingFixture({ providers: { ranker: { type: 'openai-compatible', baseURL: llm.baseURL } } });
  await f.registerVersion(); // version 1: the package the others vary
}, 120_000);
afterAll(async () => {
  await f?.close();
  await llm?.close();
});

const api = (path: string, body: unknown) =>
  fetch(`${f.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${f.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
async function packageWith(reranker: string) {
  const { package: pkg } = await getModelVersion({ store: f.store, actor: f.admin, name: MODEL, version: 1 });
  return { ...pkg, chain: { ...pkg.chain, retriever: { ...pkg.chain.retriever, reranker } } };
}
type Chat = { ragops: { contexts: { chunk_id: string }[]; warnings: string[] } };
const chat = async (endpoint: string) => {
  const res = await api('/v1/chat/completions', { model: endpoint, messages: [{ role: 'user', content: QUESTION }] });
  expect(res.status).toBe(200);
  return ((await res.json()) as Chat).ragops;
};

describe('retriever.reranker, served', () => {
  it('llm:ranker/… reorders the served passages; a reply that is no ranking keeps the fused order with a warning', async () => {
    // As f.registerVersion does (its package is not one the REST route's build check accepts).
    const { version } = await createModelVersion({
      store: f.store,
      actor: f.admin,
      requestId: 'test',
      name: MODEL,
      package: await packageWith('llm:ranker/rank-model'),
    });
    await f.createEndpoint('reranked-qa', { served: [{ model: `models:/${MODEL}/${version}`, traffic: 100 }] });
    const fused = (
      await queryIndex({ home: f.home, name: INDEX, version: f.indexVersion, text: QUESTION, k: 10, rerank: 'none' })
    ).hits.map((h) => h.chunkId);
    expect(fused.length).toBe(3);

    rankingReply = '{"ranking": [3, 1, 2]}';
    const ranked = await chat('reranked-qa');
    expect(ranked.contexts.map((c) => c.chunk_id)).toEqual([fused[2], fused[0], fused[1]]);
    expect(ranked.warnings.filter((w) => w.startsWith('reranker'))).toEqual([]);
    expect((llm.requests.at(-1)!.body as { model: string }).model).toBe('rank-model');

    rankingReply = 'The second one, I think.';
    const rambled = await chat('reranked-qa');
    expect(rambled.contexts.map((c) => c.chunk_id)).toEqual(fused.slice(0, 3));
    expect(rambled.warnings).toContain(
      'reranker llm:ranker/rank-model: the reranking model replied with no ranking: the retrieval order was kept',
    );
  });

  it('REST refuses a malformed reranker or an unconfigured provider with a 400 naming the field', async () => {
    for (const [reranker, message] of [
      ['llm:ranker', /retriever\.reranker.*must be none, lexical or llm:<provider>\/<model>/],
      ['bm25', /retriever\.reranker.*must be none, lexical or llm:<provider>\/<model>/],
      ['llm:gpt/gpt-4o', /package\.chain\.retriever\.reranker: LLM provider "gpt" is not configured/],
    ] as const) {
      const res = await api(`/api/v1/models/${MODEL}/versions`, { package: await packageWith(reranker) });
      expect(res.status, reranker).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('invalid_input');
      expect(body.error.message).toMatch(message);
    }
  });

  it('ragops models register exits 2 naming chains.<chain>.retriever.reranker', async () => {
    await writeFile(
      join(f.home, 'prompt.md'),
      '---\nname: p\nvariables: [context, question]\n---\n{{context}}\n{{question}}\n',
    );
    for (const [reranker, message] of [
      ['llm:', /ragops\.yaml:\d+: chains\.qa\.retriever\.reranker: must be none, lexical or llm:/m],
      ['llm:gpt/gpt-4o', /chains\.qa\.retriever\.reranker: LLM provider "gpt" is not configured/],
    ] as const) {
      const spec = join(f.home, 'ragops.yaml');
      await writeFile(
        spec,
        [
          'version: 1',
          'indexes:',
          `  ${INDEX}: { source: docs }`,
          'chains:',
          '  qa:',
          `    index: ${INDEX}`,
          `    retriever: { k: 3, reranker: "${reranker}" }`,
          '    prompt: prompt.md',
          '    llm: { provider: extractive, model: extractive-v1 }',
          '',
        ].join('\n'),
      );
      const r = await runCli(['models', 'register', MODEL, '--chain', 'qa', '--spec', spec], f.home, {
        RAGOPS_METADATA_URL: f.metadataUrl,
      });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
