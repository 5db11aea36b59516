// Shared setup of the LangChain interop tests: the serving fixture (real index, real store on either
// backend, the real server on loopback) with `champion` on v1 behind endpoint `docs-qa`, a second
// index over this repo's docs/ pinned by dev.qs.handbook_qa v1 (k: 4 over dozens of chunks is a real
// selection), a chain host over the same store, principals with READ, EXECUTE or only USE_*, and an
// OpenAI-protocol server on loopback for LangChain's own ChatOpenAI.
import { join } from 'node:path';
import {
  createModelVersion,
  type Principal,
  queryInferenceRows,
  readPrincipal,
  type StoredInferenceRow,
} from '@ragops/core';
import { RagopsChatModel, RagopsRetriever, type RetrieverSource } from '@ragops/langchain';
import { buildIndex, type ChainHost, createChainHost } from '@ragops/rag';
import { type OpenAIProtocolServer, startOpenAIProtocolServer } from '@ragops/rag/test';
import { ROOT, runJson } from './index-cli-helpers.ts';
import { MODEL, type ServingFixture, startServingFixture } from './serving-fixture.ts';

export const HANDBOOK_INDEX = 'dev.qs.handbook';
export const HANDBOOK_MODEL = 'dev.qs.handbook_qa';
export const MODEL_URI = `models:/${MODEL}@champion`;
export const QUESTION = 'Which model version does the champion alias mark?';
export const HANDBOOK_QUESTIONS = [
  'How are index versions pinned by a model version?',
  'What does the promotion gate check?',
] as const;

export const BACKENDS = process.env.RAGOPS_TEST_POSTGRES_URL
  ? (['sqlite', 'postgres'] as const)
  : (['sqlite'] as const);

type CliHits = { index: string; version: number; hits: { chunkId: string; documentId: string; score: number }[] };

export type LangchainFixture = {
  f: ServingFixture;
  host: ChainHost;
  llm: OpenAIProtocolServer;
  handbookVersion: number;
  principals: Record<'reader' | 'runner' | 'nobody', Principal>;
  tokens: Record<'reader' | 'runner' | 'nobody', string>;
  retriever(principal: Principal, source: RetrieverSource): RagopsRetriever;
  chatModel(principal: Principal, modelUri?: string): RagopsChatModel;
  /** Waits for an in-process row: a stopped stream writes it when LangChain's reader cancels the generator. */
  inProcessRow(requestId: string): Promise<StoredInferenceRow | undefined>;
  /** `ragops index query <args> --json` (the CLI's own runCli). */
  cliQuery(args: string[]): Promise<CliHits>;
  close(): Promise<void>;
};

export async function startLangchainFixture(backend: 'sqlite' | 'postgres'): Promise<LangchainFixture> {
  const f = await startServingFixture({ backend });
  await f.registerVersion();
  await f.setAlias('champion', 1);
  await f.createEndpoint('docs-qa', { served: [{ model: MODEL_URI, traffic: 100 }] });
  const build = await buildIndex({ home: f.home, name: HANDBOOK_INDEX, source: join(ROOT, 'docs') });
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
  const host = createChainHost({ store: f.store, home: f.home, aliasStalenessMs: 0 });
  const tokens = {
    reader: await f.userToken('lc-reader', ['READ']),
    runner: await f.userToken('lc-runner', ['EXECUTE']),
    nobody: await f.userToken('lc-nobody', []),
  };
  const principals = {
    reader: await readPrincipal(f.store, 'lc-reader'),
    runner: await readPrincipal(f.store, 'lc-runner'),
    nobody: await readPrincipal(f.store, 'lc-nobody'),
  };
  const llm = await startOpenAIProtocolServer();
  return {
    f,
    host,
    llm,
    handbookVersion: build.version,
    principals,
    tokens,
    retriever: (principal, source) => new RagopsRetriever({ store: f.store, home: f.home, principal, source }),
    chatModel: (principal, modelUri = MODEL_URI) => new RagopsChatModel({ host, store: f.store, principal, modelUri }),
    async inProcessRow(requestId) {
      for (let attempt = 0; attempt < 500; attempt++) {
        const [row] = await queryInferenceRows(f.store, { source: 'in-process', requestId });
        if (row) return row;
        await new Promise((r) => setTimeout(r, 20));
      }
      return undefined;
    },
    cliQuery: (args) => runJson<CliHits>(['index', 'query', ...args], f.home),
    async close() {
      await llm.close();
      await f.close();
    },
  };
}
