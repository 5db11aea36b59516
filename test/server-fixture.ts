// Shared setup of the server tests: a real metadata store (SQLite in a temp dir, or a fresh
// PostgreSQL database when RAGOPS_TEST_POSTGRES_URL is set), the real app, and an admin token.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  createToken,
  LOCAL_ADMIN_PRINCIPAL,
  type MetadataStore,
  openMetadataStore,
  type Principal,
  readPrincipal,
} from '@ragops/core';
import { ragopsMigrationSets } from '@ragops/monitoring';
import { buildIndex, type IndexBuild } from '@ragops/rag';
import { createApp } from '../apps/server/src/app.ts';
import type { RagopsApp } from '../apps/server/src/app-context.ts';
import { loadConfig, type ServerConfig } from '../apps/server/src/config.ts';
import { createLifecycle, type Lifecycle } from '../apps/server/src/lifecycle.ts';
import { createServerLogger } from '../apps/server/src/logger.ts';
import { createFreshPostgresDatabase } from './postgres-test-database.ts';

export type Backend = 'sqlite' | 'postgres';

/** The backends to run on: SQLite always, PostgreSQL when RAGOPS_TEST_POSTGRES_URL is set. */
export function testBackends(): Backend[] {
  const pgUrl = process.env.RAGOPS_TEST_POSTGRES_URL;
  if (!pgUrl && process.env.RAGOPS_TEST_REQUIRE_SERVICES === '1') {
    throw new Error('RAGOPS_TEST_REQUIRE_SERVICES=1 but RAGOPS_TEST_POSTGRES_URL is unset');
  }
  if (!pgUrl) console.warn('RAGOPS_TEST_POSTGRES_URL is unset: server tests run on SQLite only');
  return pgUrl ? ['sqlite', 'postgres'] : ['sqlite'];
}

export type CallOptions = { token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> };

export type TestServer = {
  app: RagopsApp;
  store: MetadataStore;
  config: ServerConfig;
  lifecycle: Lifecycle;
  admin: Principal;
  adminToken: string;
  /** Every log record the app wrote, parsed. */
  logs: Record<string, unknown>[];
  /** Raw log text, to assert what never appears in it. */
  logText(): string;
  /** Calls the app in-process; `token: null` sends no Authorization header; default is the admin token. */
  call(method: string, path: string, options?: CallOptions): Promise<Response>;
  /** A token for a new non-admin principal. */
  userToken(name: string): Promise<string>;
  close(): Promise<void>;
};

/** Builds a test server on `backend` with its own empty store. */
export async function createTestServer(
  backend: Backend = 'sqlite',
  env: Record<string, string> = {},
): Promise<TestServer> {
  const home = await mkdtemp(join(tmpdir(), 'ragops-server-'));
  let dropDatabase: (() => Promise<void>) | undefined;
  let metadataUrl = `sqlite:${join(home, 'ragops.db')}`;
  if (backend === 'postgres') {
    const db = await createFreshPostgresDatabase(process.env.RAGOPS_TEST_POSTGRES_URL!, 'ragops_server');
    metadataUrl = db.url;
    dropDatabase = db.drop;
  }
  const config = loadConfig({ RAGOPS_HOME: home, RAGOPS_METADATA_URL: metadataUrl, RAGOPS_LOG_LEVEL: 'debug', ...env });
  // As server.ts opens it: with the migrations other packages contribute (evals).
  const store = await openMetadataStore(config.metadataUrl, { migrationSets: await ragopsMigrationSets() });
  let text = '';
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      for (const line of String(chunk).split('\n'))
        if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createServerLogger(config, sink);
  const lifecycle = createLifecycle();
  const app = createApp({ store, config, logger, lifecycle });
  const admin = await readPrincipal(store, LOCAL_ADMIN_PRINCIPAL);
  const { token: adminToken } = await createToken({ store, actor: admin, requestId: 'test-setup', token: {} });

  const call: TestServer['call'] = (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? adminToken : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && !('content-type' in headers)) headers['content-type'] = 'application/json';
    return Promise.resolve(app.request(path, { method, headers, body }));
  };

  return {
    app,
    store,
    config,
    lifecycle,
    admin,
    adminToken,
    logs,
    logText: () => text,
    call,
    async userToken(name) {
      const res = await call('POST', '/api/v1/principals', { body: { name } });
      if (res.status !== 201) throw new Error(`creating principal ${name}: ${res.status} ${await res.text()}`);
      const tok = await call('POST', '/api/v1/tokens', { body: { principal: name } });
      if (tok.status !== 201) throw new Error(`creating token for ${name}: ${tok.status} ${await tok.text()}`);
      return ((await tok.json()) as { token: string }).token;
    },
    async close() {
      await lifecycle.shutdown();
      await store.close();
      await dropDatabase?.();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Builds (or incrementally rebuilds) the real index `dev.support.kb` in the server's home. */
export async function buildSampleIndex(
  s: TestServer,
  docs: Record<string, string> = {
    'refunds.md': '# Refunds\n\nRefunds are issued within 14 days of a return.\n',
    'shipping.md': '# Shipping\n\nOrders ship within two business days.\n',
  },
): Promise<IndexBuild> {
  const dir = join(s.config.home, 'docs');
  await mkdir(dir, { recursive: true });
  for (const [file, text] of Object.entries(docs)) await writeFile(join(dir, file), text);
  return buildIndex({ home: s.config.home, name: 'dev.support.kb', source: dir });
}

/**
 * A model version package as a client would POST it. With `build`, it pins that index build and
 * carries its chunker and embedder (what the server checks); without, placeholder values.
 */
export function samplePackage(options: { build?: IndexBuild; author?: string } = {}) {
  const { build } = options;
  return {
    formatVersion: 1,
    chain: {
      name: 'docs_qa',
      chunker: build ? { ...build.chunker } : { strategy: 'recursive', size: 800, overlap: 100 },
      embedder: build
        ? { provider: build.embedder.provider, model: build.embedder.model, dimensions: build.embedder.dimensions }
        : { provider: 'hash', model: 'hash-v1', dimensions: 256 },
      retriever: { k: 4, mode: 'hybrid' },
      prompt: {
        name: 'rag_answer',
        path: 'prompts/rag-answer.md',
        sha256: 'a'.repeat(64),
        template: 'Answer {{question}} from {{context}}',
        variables: ['question', 'context'],
      },
      llm: { provider: 'extractive', model: 'extractive-v1' },
    },
    index: { name: build?.index ?? 'dev.support.kb', version: build?.version ?? 1 },
    signature: { inputs: { question: 'string' }, outputs: { answer: 'string' } },
    run: { author: options.author ?? 'admin', createdAt: '2026-11-29T00:00:00.000Z' },
  };
}

/** `METHOD /path` of every route the app registered (hono's `:param` form), middleware excluded. */
export function registeredRoutes(app: RagopsApp): string[] {
  const keys = app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`);
  return [...new Set(keys)].sort();
}

/** Reads a JSON body and checks it is the one error shape; returns it. */
export async function expectErrorShape(
  res: Response,
): Promise<{ code: string; message: string; details?: unknown; requestId: string }> {
  const body = (await res.json()) as { error?: { code?: unknown; message?: unknown; requestId?: unknown } };
  if (!body.error || typeof body.error.code !== 'string' || typeof body.error.message !== 'string') {
    throw new Error(`not the error shape: ${JSON.stringify(body)}`);
  }
  if (body.error.requestId !== res.headers.get('x-request-id')) {
    throw new Error(
      `error.requestId ${String(body.error.requestId)} differs from x-request-id ${res.headers.get('x-request-id')}`,
    );
  }
  return body.error as { code: string; message: string; details?: unknown; requestId: string };
}

/**
 * dev/staging/prod, schemas dev.support and staging.support, the index dev.support.kb (one real
 * build), model dev.support.docs_qa v1 pinning it, @champion → 1. Returns the build.
 */
export async function seedRegistry(s: TestServer): Promise<IndexBuild> {
  const build = await buildSampleIndex(s);
  const steps: [string, string, unknown?][] = [
    ['POST', '/api/v1/catalogs/init'],
    ['POST', '/api/v1/catalogs/dev/schemas', { name: 'support' }],
    ['POST', '/api/v1/catalogs/staging/schemas', { name: 'support' }],
    ['POST', '/api/v1/models/dev.support.docs_qa/versions', { package: samplePackage({ build }) }],
    ['PUT', '/api/v1/models/dev.support.docs_qa/aliases/champion', { version: 1, reason: 'seed' }],
  ];
  for (const [method, path, body] of steps) {
    const res = await s.call(method, path, body === undefined ? {} : { body });
    if (res.status >= 300) throw new Error(`seed ${method} ${path}: ${res.status} ${await res.text()}`);
  }
  return build;
}
