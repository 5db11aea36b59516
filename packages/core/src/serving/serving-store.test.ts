import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPrincipal } from '../governance/principal-service.ts';
import { createToken } from '../governance/token-service.ts';
import { setAlias } from '../registry/alias-service.ts';
import { createSchema, initWorkspace } from '../registry/catalog-service.ts';
import { createModelVersion } from '../registry/version-service.ts';
import { createFreshPostgresSchema, postgresTestUrl } from '../store/contract/postgres-test-schema.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import { openMetadataStore } from '../store/open-metadata-store.ts';
import { applyEndpointSpecs, createEndpoint, getEndpoint, listEndpoints, updateEndpoint } from './endpoint-service.ts';
import type { InferenceRow } from './inference-row.ts';
import { insertInferenceRows, queryInferenceRows } from './inference-store.ts';

// SQLite always; PostgreSQL (a fresh schema) when RAGOPS_TEST_POSTGRES_URL is set.
const pgUrl = postgresTestUrl('serving store');
const backends = pgUrl ? ['sqlite', 'postgres'] : ['sqlite'];

const pkg = {
  formatVersion: 1 as const,
  chain: {
    name: 'qa',
    chunker: { strategy: 'recursive' },
    embedder: { provider: 'hash', model: 'hash', dimensions: 8 },
    retriever: { k: 3, mode: 'hybrid' as const, filters: {} },
    prompt: { name: 'p', path: 'p.md', sha256: 'c'.repeat(64), template: '{{question}}', variables: ['question'] },
    llm: { provider: 'extractive', model: 'x', params: {} },
  },
  index: { name: 'dev.s.kb', version: 1 },
  signature: { inputs: {}, outputs: {} },
  run: { author: 'admin', createdAt: '2026-11-29T00:00:00.000Z' },
};

const row = (i: number, over: Partial<InferenceRow> = {}): InferenceRow => ({
  requestId: `req-${i}`,
  ts: new Date(Date.UTC(2026, 10, 29, 0, 0, i)).toISOString(),
  endpoint: i % 2 ? 'a' : 'b',
  source: 'http',
  servedEntity: 'champion',
  trafficArm: 'live',
  assignment: 'random',
  modelUri: 'models:/dev.s.m@champion',
  modelName: 'dev.s.m',
  modelVersion: 1,
  indexName: 'dev.s.kb',
  indexVersion: 3,
  promptSha256: 'c'.repeat(64),
  llmProvider: 'extractive',
  llmModel: 'x',
  llmFallbackFrom: null,
  status: 'ok',
  httpStatus: 200,
  errorCode: null,
  errorMessage: null,
  latencyTotalMs: 12.5,
  latencyRetrievalMs: 10.25,
  latencyGenerationMs: 2.25,
  ttftMs: null,
  tokensIn: 100 + i,
  tokensOut: 20,
  tokensSource: 'counted',
  costUsd: 0.000123,
  finishReason: 'stop',
  stream: i % 3 === 0,
  caller: 'admin',
  stickyKey: null,
  requestMessages: [{ role: 'user', content: `q ${i} — "quoted" ünïcode` }],
  answer: 'an answer [1]',
  retrieved: [{ chunkId: 'c1', documentId: 'd1', score: 0.5 }],
  ...over,
});

describe.each(backends)('serving store (%s)', (backend) => {
  let store: MetadataStore;
  let dir: string;
  let cleanup: () => Promise<void> = async () => {};
  let ctx: { store: MetadataStore; actor: Awaited<ReturnType<typeof readPrincipal>>; requestId: string };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ragops-serving-store-'));
    let url = `sqlite:${join(dir, 'db.sqlite')}`;
    if (backend === 'postgres') {
      const schema = await createFreshPostgresSchema(pgUrl!);
      url = schema.url;
      cleanup = schema.drop;
    }
    store = await openMetadataStore(url);
    const actor = await readPrincipal(store, 'admin');
    ctx = { store, actor, requestId: 'test' };
    await createToken({ ...ctx, token: {} });
    await initWorkspace(ctx);
    await createSchema({ ...ctx, catalog: 'dev', schema: { name: 's' } });
    await createModelVersion({ ...ctx, name: 'dev.s.m', package: pkg });
    await createModelVersion({ ...ctx, name: 'dev.s.m', package: pkg });
    await setAlias({ ...ctx, name: 'dev.s.m', alias: 'champion', version: 1 });
  });
  afterAll(async () => {
    await store?.close();
    await cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates, reads, updates and lists endpoints with defaults and arm names filled', async () => {
    const e = await createEndpoint({
      ...ctx,
      name: 'docs-qa',
      config: {
        served: [
          { model: 'models:/dev.s.m@champion', traffic: 90 },
          { model: 'models:/dev.s.m/2', traffic: 10 },
        ],
      },
    });
    expect(e.config.served.map((s) => s.name)).toEqual(['champion', 'v2']);
    expect(e.config).toMatchObject({ timeoutMs: 60_000, sticky: { header: 'x-ragops-user', openaiUser: true } });
    await expect(createEndpoint({ ...ctx, name: 'docs-qa', config: e.config })).rejects.toMatchObject({
      code: 'conflict',
    });
    const updated = await updateEndpoint({
      ...ctx,
      name: 'docs-qa',
      config: { served: [{ model: 'models:/dev.s.m/2', traffic: 100 }] },
    });
    expect(updated.config.served).toEqual([{ name: 'v2', model: 'models:/dev.s.m/2', traffic: 100 }]);
    expect((await getEndpoint({ ...ctx, name: 'docs-qa' })).updatedBy).toBe('admin');
    expect((await listEndpoints(ctx)).items.map((x) => x.name)).toEqual(['docs-qa']);
  });

  it('refuses bad configs and URIs that do not resolve, naming the problem', async () => {
    const bad = (config: unknown) => createEndpoint({ ...ctx, name: 'bad', config: config as never });
    await expect(bad({ served: [{ model: 'models:/dev.s.m/1', traffic: 60 }] })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/sum to 100/),
    });
    await expect(bad({ served: [{ model: 'not-a-uri', traffic: 100 }] })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(bad({ served: [{ model: 'models:/dev.s.m@nope', traffic: 100 }] })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(createEndpoint({ ...ctx, name: 'Bad Name', config: { served: [] } })).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });

  it('applies ragops.yaml endpoints idempotently', async () => {
    const spec = { 'spec-qa': { served: [{ model: 'models:/dev.s.m@champion', traffic: 100 }] } };
    expect(await applyEndpointSpecs({ ...ctx, endpoints: spec })).toEqual([{ name: 'spec-qa', action: 'created' }]);
    expect(await applyEndpointSpecs({ ...ctx, endpoints: spec })).toEqual([{ name: 'spec-qa', action: 'unchanged' }]);
    spec['spec-qa'].served[0]!.model = 'models:/dev.s.m/2';
    expect(await applyEndpointSpecs({ ...ctx, endpoints: spec })).toEqual([{ name: 'spec-qa', action: 'updated' }]);
  });

  it('writes inference rows in batches and reads them back typed and filtered', async () => {
    const rows = Array.from({ length: 950 }, (_, i) => row(i));
    rows[7] = row(7, {
      status: 'error',
      httpStatus: 502,
      errorCode: 'provider_error',
      errorMessage: 'x',
      answer: null,
      retrieved: null,
      costUsd: null,
    });
    await store.transaction((tx) => insertInferenceRows(tx, rows));
    const all = await queryInferenceRows(store, { limit: 10_000 });
    expect(all).toHaveLength(950);
    const { seq, ...first } = all[0]!;
    expect(seq).toBeGreaterThan(0);
    expect(first).toEqual(rows[0]);
    expect(all[7]).toMatchObject({ status: 'error', httpStatus: 502, answer: null, costUsd: null });
    expect(await queryInferenceRows(store, { endpoint: 'a', status: 'error' })).toHaveLength(1);
    const tail = await queryInferenceRows(store, { afterSeq: all[939]!.seq });
    expect(tail.map((r) => r.requestId)).toEqual(rows.slice(940).map((r) => r.requestId));
    const newest = await queryInferenceRows(store, { order: 'desc', limit: 2 });
    expect(newest.map((r) => r.requestId)).toEqual(['req-949', 'req-948']);
    const window = await queryInferenceRows(store, { since: rows[10]!.ts, until: rows[20]!.ts, limit: 100 });
    expect(window).toHaveLength(10);
  });

  it('reads rows written without a source (before serving migration 4) as http, and filters by source', async () => {
    await store.run(
      `INSERT INTO inference_rows (request_id, ts, endpoint, traffic_arm, status, http_status, latency_total_ms, stream)
       VALUES ('old-row', '2026-11-01T00:00:00.000Z', 'legacy', 'live', 'ok', 200, 1.5, 0)`,
    );
    await store.transaction((tx) =>
      insertInferenceRows(tx, [
        row(5000, { requestId: 'lc-row', endpoint: 'in-process:dev.s.m', source: 'in-process' }),
      ]),
    );
    expect(await queryInferenceRows(store, { requestId: 'old-row' })).toEqual([
      expect.objectContaining({ endpoint: 'legacy', source: 'http' }),
    ]);
    const inProcess = await queryInferenceRows(store, { source: 'in-process', limit: 10_000 });
    expect(inProcess.map((r) => r.requestId)).toEqual(['lc-row']);
    const http = await queryInferenceRows(store, { source: 'http', limit: 10_000 });
    expect(http.map((r) => r.requestId)).toContain('old-row');
    expect(http.map((r) => r.requestId)).not.toContain('lc-row');
  });
});
