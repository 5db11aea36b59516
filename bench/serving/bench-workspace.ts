import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createEndpoint,
  createModelVersion,
  createSchema,
  createToken,
  initWorkspace,
  LOCAL_ADMIN_PRINCIPAL,
  openMetadataStore,
  readPrincipal,
  setAlias,
} from '@ragops/core';
import { buildIndex, type IndexBuild } from '@ragops/rag';

export const BENCH_INDEX = 'dev.bench.kb';
export const BENCH_MODEL = 'dev.bench.qa';
export const BENCH_ENDPOINT = 'bench';
/** The same chain with a real HTTP LLM: provider `loopback` (openai-compatible, BENCH_LLM_URL). */
export const BENCH_HTTP_ENDPOINT = 'bench-http';

export type BenchWorkspace = {
  /** A fresh RAGOPS_HOME in the temp dir (the caller removes it). */
  home: string;
  metadataUrl: string;
  /** A bearer token of the local admin (holds EXECUTE). */
  token: string;
  build: IndexBuild;
  /** The corpus actually indexed (the repo's docs/ when the dataset is absent). */
  source: string;
  questions: string[];
  setupMs: number;
};

/**
 * The state the serving bench serves from, built with the real library calls: a LanceDB index of
 * the corpus (hash embedder, FTS), a SQLite store with a token, a registered version of a hybrid
 * k=5 chain with the repo's real answer prompt and the `instant` LLM, `champion` on it, and one
 * endpoint following `champion`; version 2, the same chain with the `loopback` openai-compatible
 * LLM, behind the `bench-http` endpoint.
 */
export async function createBenchWorkspace(options: {
  root: string;
  corpus: string;
  questions: string;
}): Promise<BenchWorkspace> {
  const started = performance.now();
  const home = mkdtempSync(join(tmpdir(), 'ragops-bench-serving-'));
  const metadataUrl = `sqlite:${join(home, 'ragops.db')}`;
  const source = existsSync(options.corpus) ? options.corpus : join(options.root, 'docs');
  const build = await buildIndex({ home, name: BENCH_INDEX, source });
  const questions = existsSync(options.questions)
    ? readFileSync(options.questions, 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { question: string }).question)
    : ['How are index versions kept?', 'What does the champion alias mark?', 'How is traffic split?'];

  const promptFile = readFileSync(join(options.root, 'prompts', 'rag-answer.md'), 'utf8');
  const template = promptFile.replace(/^---\n[\s\S]*?\n---\n/, '');
  const store = await openMetadataStore(metadataUrl);
  try {
    const actor = await readPrincipal(store, LOCAL_ADMIN_PRINCIPAL);
    const ctx = { store, actor, requestId: 'bench-setup' };
    const { token } = await createToken({ ...ctx, token: {} });
    await initWorkspace(ctx);
    await createSchema({ ...ctx, catalog: 'dev', schema: { name: 'bench' } });
    const chainPackage = (llm: { provider: string; model: string }) => ({
      formatVersion: 1 as const,
      chain: {
        name: 'bench_qa',
        chunker: { strategy: build.chunker.strategy },
        embedder: build.embedder,
        retriever: { k: 5, mode: 'hybrid' as const, filters: {} },
        prompt: {
          name: 'rag-answer',
          path: 'prompts/rag-answer.md',
          sha256: createHash('sha256').update(promptFile).digest('hex'),
          template,
          variables: ['question', 'context'],
        },
        llm: { ...llm, params: {} },
      },
      index: { name: BENCH_INDEX, version: build.version },
      signature: { inputs: { question: 'string' }, outputs: { answer: 'string' } },
      run: { author: 'bench', createdAt: new Date().toISOString() },
    });
    await createModelVersion({
      ...ctx,
      name: BENCH_MODEL,
      package: chainPackage({ provider: 'instant', model: 'instant-v1' }),
    });
    await createModelVersion({
      ...ctx,
      name: BENCH_MODEL,
      package: chainPackage({ provider: 'loopback', model: 'test-model' }),
    });
    await setAlias({ ...ctx, name: BENCH_MODEL, alias: 'champion', version: 1 });
    await createEndpoint({
      ...ctx,
      name: BENCH_HTTP_ENDPOINT,
      config: { served: [{ model: `models:/${BENCH_MODEL}/2`, traffic: 100 }] },
    });
    await createEndpoint({
      ...ctx,
      name: BENCH_ENDPOINT,
      config: { served: [{ model: `models:/${BENCH_MODEL}@champion`, traffic: 100 }] },
    });
    return { home, metadataUrl, token, build, source, questions, setupMs: performance.now() - started };
  } finally {
    await store.close();
  }
}
