// Shared setup of the gate tests: the repository's docs/ (copied) as a real LanceDB index, the shipped
// evals/docs-qa.jsonl, a real metadata store with every migration (SQLite, or a fresh PostgreSQL
// database), and versions of dev.qs.docs_qa registered with a chosen retriever k.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createModelVersion,
  createSchema,
  type GatePolicy,
  gatePolicySchema,
  initWorkspace,
  LOCAL_ADMIN_PRINCIPAL,
  type MetadataStore,
  openMetadataStore,
  type Principal,
  readPrincipal,
} from '@ragops/core';
import {
  createEvalRun,
  createJudges,
  type EvalDataset,
  evalDatasetPath,
  loadEvalDataset,
  type PromoteOptions,
  runEval,
  syncGates,
} from '@ragops/evals';
import { ragopsMigrationSets } from '@ragops/monitoring';
import { buildIndex, type ChainHost, closeIndexReaders, createChainHost } from '@ragops/rag';
import { createFreshPostgresDatabase } from './postgres-test-database.ts';

export const GATE_MODEL = 'dev.qs.docs_qa';
const ROOT = join(import.meta.dirname, '..');

export type GateFixture = {
  store: MetadataStore;
  admin: Principal;
  ctx: { store: MetadataStore; actor: Principal; requestId: string };
  host: ChainHost;
  /** A version with retriever k; `llm: 'terse'` answers with one extracted sentence (a damaged answer step). */
  registerVersion(
    k: number,
    description?: string,
    llm?: 'extractive' | 'terse',
    mode?: 'vector' | 'fts' | 'hybrid',
  ): Promise<number>;
  /** Syncs `gates: { dev.qs.docs_qa: { <alias>: policy } }` into the store. */
  gate(alias: string, policy: Partial<GatePolicy>): Promise<void>;
  /** loadDataset and runMissing as the CLI wires them (runEval through the chain host). */
  options(): PromoteOptions;
  /** How many eval runs runMissing started. */
  runsStarted(): number;
  close(): Promise<void>;
};

export async function startGateFixture(backend: 'sqlite' | 'postgres' = 'sqlite'): Promise<GateFixture> {
  const home = await mkdtemp(join(tmpdir(), 'ragops-gate-'));
  await cp(join(ROOT, 'docs'), join(home, 'docs'), { recursive: true });
  await cp(join(ROOT, 'evals'), join(home, 'evals'), { recursive: true });
  const build = await buildIndex({ home, name: 'dev.qs.docs', source: join(home, 'docs') });
  let url = `sqlite:${join(home, 'ragops.db')}`;
  let drop: (() => Promise<void>) | undefined;
  if (backend === 'postgres') {
    const db = await createFreshPostgresDatabase(process.env.RAGOPS_TEST_POSTGRES_URL!, 'ragops_gate');
    url = db.url;
    drop = db.drop;
  }
  // Every module's tables, monitoring's too: a gate may name a split test (test/gate-split-test.test.ts).
  const store = await openMetadataStore(url, { migrationSets: await ragopsMigrationSets() });
  const admin = await readPrincipal(store, LOCAL_ADMIN_PRINCIPAL);
  const ctx = { store, actor: admin, requestId: 'gate-fixture' };
  await initWorkspace(ctx);
  await createSchema({ ...ctx, catalog: 'dev', schema: { name: 'qs' } });
  const host = createChainHost({
    store,
    home,
    providers: { terse: { type: 'extractive', maxSentences: 1 } },
    actorName: 'system:evals',
  });
  let started = 0;
  // The spec's gates: for the model (a sync makes the store equal to it, so earlier aliases stay in).
  const gates: Record<string, GatePolicy> = {};
  return {
    store,
    admin,
    ctx,
    host,
    async registerVersion(k, description, llm = 'extractive', mode = 'hybrid') {
      const v = await createModelVersion({
        ...ctx,
        name: GATE_MODEL,
        ...(description && { description }),
        package: {
          formatVersion: 1,
          chain: {
            name: 'docs_qa',
            chunker: { strategy: build.chunker.strategy },
            embedder: build.embedder,
            retriever: { k, mode, filters: {} },
            prompt: {
              name: 'rag_answer',
              path: 'prompts/rag-answer.md',
              sha256: 'b'.repeat(64),
              template: 'Answer from the context.\n\n{{context}}\n\nQuestion: {{question}}',
              variables: ['context', 'question'],
            },
            llm: { provider: llm, model: 'extractive-v1', params: {} },
          },
          index: { name: 'dev.qs.docs', version: build.version },
          signature: { inputs: { question: 'string' }, outputs: { answer: 'string' } },
          run: { author: 'admin', createdAt: new Date().toISOString() },
        },
      });
      return v.version;
    },
    async gate(alias, policy) {
      const parsed = gatePolicySchema.parse({ datasets: ['docs-qa'], ...policy });
      gates[alias] = parsed;
      await syncGates({ ...ctx, gates: { [GATE_MODEL]: gates }, source: 'ragops.yaml' });
    },
    options() {
      return {
        loadDataset: (name: string) => loadEvalDataset(evalDatasetPath(join(home, 'evals'), name)),
        runMissing: async ({
          versionUri,
          dataset,
          judges,
        }: {
          versionUri: string;
          dataset: EvalDataset;
          judges: string;
        }) => {
          started++;
          const js = createJudges({ names: judges.split(','), k: 5 });
          const run = await createEvalRun({ ...ctx, modelUri: versionUri, dataset, judges: js });
          await runEval({ host, store, run, dataset, judges: js, concurrency: 2 });
        },
      };
    },
    runsStarted: () => started,
    async close() {
      await store.close();
      await closeIndexReaders();
      await drop?.();
      await rm(home, { recursive: true, force: true });
    },
  };
}
