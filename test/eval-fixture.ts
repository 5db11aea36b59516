// Shared setup of the eval-run tests: a real index (LanceDB on disk), a real metadata store with the
// evals migrations (SQLite, or a fresh PostgreSQL database), a registered version of dev.qs.docs_qa
// and a dataset file evals/qa.jsonl written here.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addGrant,
  createModelVersion,
  createPrincipal,
  createSchema,
  createToken,
  initWorkspace,
  LOCAL_ADMIN_PRINCIPAL,
  type MetadataStore,
  openMetadataStore,
  type Principal,
  type Privilege,
  readPrincipal,
} from '@ragops/core';
import { allMigrationSets } from '@ragops/evals';
import { buildIndex, closeIndexReaders } from '@ragops/rag';
import { createFreshPostgresDatabase } from './postgres-test-database.ts';

export const EVAL_MODEL = 'dev.qs.docs_qa';
export const EVAL_INDEX = 'dev.qs.kb';

const DOCS: Record<string, string> = {
  'lance.md':
    '# Lance versions\n\nEvery write to a Lance table creates a new table version. Old table versions stay readable.\n',
  'aliases.md': '# Aliases\n\nThe champion alias marks the model version that serves production traffic.\n',
  'serving.md': '# Serving\n\nEndpoints split traffic between served model versions by percentage.\n',
};

const QUESTIONS = [
  [
    'What does the champion alias mark?',
    'The champion alias marks the model version that serves production traffic.',
    'aliases.md',
  ],
  ['What happens on every write to a Lance table?', 'Every write creates a new table version.', 'lance.md'],
  [
    'How do endpoints split traffic?',
    'Endpoints split traffic between served model versions by percentage.',
    'serving.md',
  ],
] as const;

/** `n` dataset rows (cycling through three questions), tagged by topic. */
export function datasetLines(n: number): string {
  return Array.from({ length: n }, (_, i) => {
    const [question, reference, doc] = QUESTIONS[i % QUESTIONS.length]!;
    return JSON.stringify({
      id: `q${String(i + 1).padStart(3, '0')}`,
      question,
      reference_answer: reference,
      reference_doc_ids: [doc],
      tags: [doc.replace('.md', '')],
    });
  }).join('\n');
}

export type EvalFixture = {
  home: string;
  metadataUrl: string;
  store: MetadataStore;
  admin: Principal;
  adminCtx: { store: MetadataStore; actor: Principal; requestId: string };
  /** evals/ under home. */
  datasetsDir: string;
  writeDataset(name: string, rows: number): Promise<string>;
  registerVersion(llm?: { provider: string; model: string }): Promise<number>;
  /** A principal holding `privileges` on the dev.qs schema (plus USE_*), and a token for it. */
  principal(name: string, privileges: Privilege[]): Promise<{ principal: Principal; token: string }>;
  close(): Promise<void>;
};

export async function startEvalFixture(backend: 'sqlite' | 'postgres' = 'sqlite'): Promise<EvalFixture> {
  const home = await mkdtemp(join(tmpdir(), 'ragops-eval-'));
  const docs = join(home, 'docs');
  await mkdir(docs);
  for (const [file, text] of Object.entries(DOCS)) await writeFile(join(docs, file), text);
  const build = await buildIndex({ home, name: EVAL_INDEX, source: docs });
  let metadataUrl = `sqlite:${join(home, 'ragops.db')}`;
  let drop: (() => Promise<void>) | undefined;
  if (backend === 'postgres') {
    const db = await createFreshPostgresDatabase(process.env.RAGOPS_TEST_POSTGRES_URL!, 'ragops_eval');
    metadataUrl = db.url;
    drop = db.drop;
  }
  const store = await openMetadataStore(metadataUrl, { migrationSets: await allMigrationSets() });
  const admin = await readPrincipal(store, LOCAL_ADMIN_PRINCIPAL);
  const adminCtx = { store, actor: admin, requestId: 'fixture' };
  await initWorkspace(adminCtx);
  await createSchema({ ...adminCtx, catalog: 'dev', schema: { name: 'qs' } });
  const datasetsDir = join(home, 'evals');
  await mkdir(datasetsDir);

  return {
    home,
    metadataUrl,
    store,
    admin,
    adminCtx,
    datasetsDir,
    async writeDataset(name, rows) {
      const path = join(datasetsDir, `${name}.jsonl`);
      await writeFile(path, `${datasetLines(rows)}\n`);
      return path;
    },
    async registerVersion(llm = { provider: 'extractive', model: 'extractive-v1' }) {
      const version = await createModelVersion({
        ...adminCtx,
        name: EVAL_MODEL,
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
            llm: { ...llm, params: {} },
          },
          index: { name: EVAL_INDEX, version: build.version },
          signature: { inputs: { question: 'string' }, outputs: { answer: 'string' } },
          run: { author: 'admin', createdAt: new Date().toISOString() },
        },
      });
      return version.version;
    },
    async principal(name, privileges) {
      await createPrincipal({ ...adminCtx, principal: { name } });
      const grants: [Privilege, 'catalog' | 'schema', string][] = [
        ['USE_CATALOG', 'catalog', 'dev'],
        ['USE_SCHEMA', 'schema', 'dev.qs'],
        ...privileges.map((p): [Privilege, 'schema', string] => [p, 'schema', 'dev.qs']),
      ];
      for (const [privilege, type, securable] of grants) {
        await addGrant({ ...adminCtx, grant: { principal: name, privilege, securable: { type, name: securable } } });
      }
      const { token } = await createToken({ ...adminCtx, token: { principal: name } });
      return { principal: await readPrincipal(store, name), token };
    },
    async close() {
      await store.close();
      await closeIndexReaders();
      await drop?.();
      await rm(home, { recursive: true, force: true });
    },
  };
}
