// Shared setup of the serving tests: a real index (LanceDB on disk), a real metadata store (SQLite, or
// a fresh PostgreSQL database when RAGOPS_TEST_POSTGRES_URL is set), two registered versions of
// dev.qs.docs_qa with `champion` on v1, and the real app listening on 127.0.0.1 so real clients
// (openai SDK, LangChain) can call it.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import {
  addGrant,
  createEndpoint,
  createModelVersion,
  createPrincipal,
  createSchema,
  createToken,
  type EndpointConfigInput,
  initWorkspace,
  LOCAL_ADMIN_PRINCIPAL,
  type MetadataStore,
  openMetadataStore,
  type Principal,
  queryInferenceRows,
  readPrincipal,
  type StoredInferenceRow,
  setAlias,
} from '@ragops/core';
import { ragopsMigrationSets } from '@ragops/monitoring';
import { buildIndex, closeIndexReaders, type LlmProviders } from '@ragops/rag';
import { createApp } from '../apps/server/src/app.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import { createLifecycle, type Lifecycle } from '../apps/server/src/lifecycle.ts';
import { createServerLogger } from '../apps/server/src/logger.ts';
import type { ServingConfig } from '../apps/server/src/serving/serving-config.ts';
import { createFreshPostgresDatabase } from './postgres-test-database.ts';

export const MODEL = 'dev.qs.docs_qa';
export const INDEX = 'dev.qs.kb';

export const DOCS: Record<string, string> = {
  'lance.md':
    '# Lance versions\n\nEvery write to a Lance table creates a new table version. Old table versions stay readable.\n',
  'aliases.md': '# Aliases\n\nThe champion alias marks the model version that serves production traffic.\n',
  'serving.md': '# Serving\n\nEndpoints split traffic between served model versions by percentage.\n',
};

export type ServingFixture = {
  url: string;
  /** `${url}/v1`, for OpenAI clients. */
  baseURL: string;
  home: string;
  metadataUrl: string;
  /** The listening node server (tests tune keep-alive on it). */
  httpServer: Server;
  /** Every log record the app wrote at `logLevel` or above, parsed. */
  logs: Record<string, unknown>[];
  store: MetadataStore;
  lifecycle: Lifecycle;
  admin: Principal;
  adminToken: string;
  indexVersion: number;
  /** A token for a new principal holding `privileges` on the dev.qs schema (plus USE_*). */
  userToken(name: string, privileges: string[]): Promise<string>;
  registerVersion(llm?: { provider: string; model: string; params?: Record<string, unknown> }): Promise<number>;
  setAlias(alias: string, version: number): Promise<void>;
  createEndpoint(name: string, config: EndpointConfigInput): Promise<void>;
  /** Waits until at least `count` rows are stored (the writer is asynchronous), then returns them all. */
  rows(count: number, timeoutMs?: number): Promise<StoredInferenceRow[]>;
  /** Waits for the first stored row matching `match` (the writer is asynchronous). */
  rowWhere(match: (row: StoredInferenceRow) => boolean, timeoutMs?: number): Promise<StoredInferenceRow | undefined>;
  close(): Promise<void>;
};

export type ServingFixtureOptions = {
  backend?: 'sqlite' | 'postgres';
  providers?: LlmProviders;
  serving?: Partial<ServingConfig>;
  random?: () => number;
  /** Default warn. */
  logLevel?: 'debug' | 'info' | 'warn';
};

const adminCtx = (store: MetadataStore, admin: Principal) => ({ store, actor: admin, requestId: 'fixture' });

export async function startServingFixture(options: ServingFixtureOptions = {}): Promise<ServingFixture> {
  const home = await mkdtemp(join(tmpdir(), 'ragops-serving-'));
  const docs = join(home, 'docs');
  await mkdir(docs);
  for (const [file, text] of Object.entries(DOCS)) await writeFile(join(docs, file), text);
  const build = await buildIndex({ home, name: INDEX, source: docs });

  let metadataUrl = `sqlite:${join(home, 'ragops.db')}`;
  let dropDatabase: (() => Promise<void>) | undefined;
  if (options.backend === 'postgres') {
    const db = await createFreshPostgresDatabase(process.env.RAGOPS_TEST_POSTGRES_URL!, 'ragops_serving');
    metadataUrl = db.url;
    dropDatabase = db.drop;
  }
  const config = loadConfig({
    RAGOPS_HOME: home,
    RAGOPS_METADATA_URL: metadataUrl,
    RAGOPS_LOG_LEVEL: options.logLevel ?? 'warn',
  });
  // Every module's migrations, as server.ts opens the store (the feedback routes read evals' tables).
  const store = await openMetadataStore(config.metadataUrl, { migrationSets: await ragopsMigrationSets() });
  const admin = await readPrincipal(store, LOCAL_ADMIN_PRINCIPAL);
  const { token: adminToken } = await createToken({ ...adminCtx(store, admin), token: {} });
  await initWorkspace(adminCtx(store, admin));
  await createSchema({ ...adminCtx(store, admin), catalog: 'dev', schema: { name: 'qs' } });

  const serving: ServingConfig = {
    providers: options.providers ?? {},
    prices: {},
    aliasStalenessMs: 50,
    ...options.serving,
    inference: {
      queueMax: 100_000,
      batchSize: 200,
      flushMs: 10,
      content: 'full',
      contentSampleRate: 1,
      ...options.serving?.inference,
    },
  };
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _e, done) {
      for (const line of String(chunk).split('\n'))
        if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const lifecycle = createLifecycle();
  const app = createApp({
    store,
    config,
    logger: createServerLogger(config, sink),
    lifecycle,
    serving: { config: serving, ...(options.random && { random: options.random }) },
  });
  const { server, port } = await new Promise<{ server: Server; port: number }>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({ server: s as Server, port: info.port }),
    );
  });
  const url = `http://127.0.0.1:${port}`;

  const fixture: ServingFixture = {
    url,
    baseURL: `${url}/v1`,
    home,
    metadataUrl,
    httpServer: server,
    logs,
    store,
    lifecycle,
    admin,
    adminToken,
    indexVersion: build.version,
    async userToken(name, privileges) {
      const ctx = adminCtx(store, admin);
      await createPrincipal({ ...ctx, principal: { name } });
      const grants: [string, 'catalog' | 'schema', string][] = [
        ['USE_CATALOG', 'catalog', 'dev'],
        ['USE_SCHEMA', 'schema', 'dev.qs'],
        ...privileges.map((p): [string, 'schema', string] => [p, 'schema', 'dev.qs']),
      ];
      for (const [privilege, type, securable] of grants) {
        await addGrant({
          ...ctx,
          grant: { principal: name, privilege: privilege as never, securable: { type, name: securable } },
        });
      }
      return (await createToken({ ...ctx, token: { principal: name } })).token;
    },
    async registerVersion(llm = { provider: 'extractive', model: 'extractive-v1' }) {
      const version = await createModelVersion({
        ...adminCtx(store, admin),
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
            llm: { provider: llm.provider, model: llm.model, params: llm.params ?? {} },
          },
          index: { name: INDEX, version: build.version },
          signature: { inputs: { question: 'string' }, outputs: { answer: 'string' } },
          run: { author: 'admin', createdAt: new Date().toISOString() },
        },
      });
      return version.version;
    },
    async setAlias(alias, version) {
      await setAlias({ ...adminCtx(store, admin), name: MODEL, alias, version });
    },
    async createEndpoint(name, endpointConfig) {
      await createEndpoint({ ...adminCtx(store, admin), name, config: endpointConfig });
    },
    async rows(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const rows = await queryInferenceRows(store, { limit: 100_000 });
        if (rows.length >= count || Date.now() > deadline) return rows;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async rowWhere(match, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = (await queryInferenceRows(store, { limit: 100_000 })).find(match);
        if (found || Date.now() > deadline) return found;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await lifecycle.shutdown();
      await store.close();
      await closeIndexReaders();
      await dropDatabase?.();
      await rm(home, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** A seeded PRNG (mulberry32, core's one): deterministic traffic splits in tests. */
export { seededRandom } from '@ragops/core';
