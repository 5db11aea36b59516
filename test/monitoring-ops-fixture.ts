// A metadata store (SQLite or PostgreSQL) with every module's tables including monitoring's, an
// index built on disk, one registered version behind an endpoint, and inference rows written as
// the server writes them: what drift, online judging, split tests and alerts read.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createEndpoint,
  createModelVersion,
  createPrincipal,
  createSchema,
  type EndpointConfigInput,
  type InferenceRow,
  initWorkspace,
  insertInferenceRows,
  LOCAL_ADMIN_PRINCIPAL,
  type MetadataStore,
  openMetadataStore,
  type Principal,
  readPrincipal,
} from '@ragops/core';
import { allMigrationSets } from '@ragops/evals';
import { buildIndex, closeIndexReaders } from '@ragops/rag';
import { monitoringMigrationSet } from '../packages/monitoring/src/metrics/monitoring-migrations.ts';
import { monitoringOpsMigrationSet } from '../packages/monitoring/src/store/monitoring-ops-migrations.ts';
import { createFreshPostgresDatabase } from './postgres-test-database.ts';
import { inferenceRow } from './split-test-rows.ts';

export const MODEL = 'dev.mon.docs_qa';
export const INDEX = 'dev.mon.kb';

/** Two topics the questions of a test can come from: the corpus covers the first. */
export const DOCS: Record<string, string> = {
  'lance.md':
    '# Lance versions\n\nEvery write to a Lance table creates a new table version. Old versions stay readable.\n',
  'aliases.md': '# Aliases\n\nThe champion alias marks the model version that serves production traffic.\n',
  'serving.md': '# Serving\n\nEndpoints split traffic between served model versions by percentage.\n',
  'feedback.md': '# Feedback\n\nReviewers rate answers; approval rates gate promotion of a model version.\n',
};

export type MonitoringOpsFixture = {
  home: string;
  store: MetadataStore;
  admin: Principal;
  indexVersion: number;
  /** Registered versions 1 and 2 of MODEL, both pinning the index. */
  versions: [number, number];
  /** A principal with no grant on the model. */
  outsider: Principal;
  createEndpoint(name: string, config: EndpointConfigInput): Promise<void>;
  /** A complete inference row with these overrides (a live, answered request of version 1). */
  row(overrides: Partial<InferenceRow>): InferenceRow;
  insertRows(rows: readonly InferenceRow[]): Promise<void>;
  close(): Promise<void>;
};

export async function startMonitoringOpsFixture(
  backend: 'sqlite' | 'postgres' = 'sqlite',
): Promise<MonitoringOpsFixture> {
  const home = await mkdtemp(join(tmpdir(), 'ragops-monops-'));
  const docs = join(home, 'docs');
  await mkdir(docs);
  for (const [file, text] of Object.entries(DOCS)) await writeFile(join(docs, file), text);
  const build = await buildIndex({ home, name: INDEX, source: docs });
  let url = `sqlite:${join(home, 'ragops.db')}`;
  let drop: (() => Promise<void>) | undefined;
  if (backend === 'postgres') {
    const db = await createFreshPostgresDatabase(process.env.RAGOPS_TEST_POSTGRES_URL!, 'ragops_monops');
    url = db.url;
    drop = db.drop;
  }
  const store = await openMetadataStore(url, {
    migrationSets: [...(await allMigrationSets()), monitoringMigrationSet, monitoringOpsMigrationSet],
  });
  const admin = await readPrincipal(store, LOCAL_ADMIN_PRINCIPAL);
  const ctx = { store, actor: admin, requestId: 'fixture' };
  await initWorkspace(ctx);
  await createSchema({ ...ctx, catalog: 'dev', schema: { name: 'mon' } });
  const register = async () =>
    (
      await createModelVersion({
        ...ctx,
        name: MODEL,
        package: {
          formatVersion: 1,
          chain: {
            name: 'docs_qa',
            chunker: { strategy: 'recursive' },
            embedder: { provider: 'hash', model: 'hash', dimensions: 256 },
            retriever: { k: 3, mode: 'hybrid', filters: {} },
            prompt: {
              name: 'rag_answer',
              path: 'prompts/rag-answer.md',
              sha256: 'b'.repeat(64),
              template: 'Answer from the context.\n\n{{context}}\n\nQuestion: {{question}}',
              variables: ['context', 'question'],
            },
            llm: { provider: 'extractive', model: 'extractive-v1', params: {} },
          },
          index: { name: INDEX, version: build.version },
          signature: { inputs: { question: 'string' }, outputs: { answer: 'string' } },
          run: { author: 'admin', createdAt: new Date().toISOString() },
        },
      })
    ).version;
  const versions: [number, number] = [await register(), await register()];
  const outsider = await createPrincipal({ ...ctx, principal: { name: 'outsider', kind: 'user' } });
  let seq = 0;
  return {
    home,
    store,
    admin,
    indexVersion: build.version,
    versions,
    outsider,
    createEndpoint: async (name, config) => {
      await createEndpoint({ ...ctx, name, config });
    },
    row: (overrides) =>
      inferenceRow('docs', { name: 'v1', model: MODEL, version: versions[0] }, 'local-admin', {
        requestId: `req-${++seq}`,
        assignment: 'single',
        indexName: INDEX,
        indexVersion: build.version,
        retrieved: [{ chunkId: 'lance.md#0', documentId: 'lance.md', score: 0.6 }],
        ...overrides,
      }),
    insertRows: (rows) => store.transaction((tx) => insertInferenceRows(tx, rows)),
    async close() {
      await store.close();
      await closeIndexReaders();
      await drop?.();
      await rm(home, { recursive: true, force: true });
    },
  };
}
