// Two server replicas sharing one metadata store (SQLite file, or PostgreSQL when
// RAGOPS_TEST_POSTGRES_URL is set): an alias moved through one is served by the other within the
// configured staleness bound, because each replica re-reads the store.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import { type MetadataStore, openMetadataStore } from '@ragops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../apps/server/src/app.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import { createLifecycle } from '../apps/server/src/lifecycle.ts';
import { createServerLogger } from '../apps/server/src/logger.ts';
import { testBackends } from './server-fixture.ts';
import { MODEL, type ServingFixture, startServingFixture } from './serving-fixture.ts';

const STALENESS_MS = 300;

describe.each(testBackends())('replicas sharing a store (%s)', (backend) => {
  let f: ServingFixture;
  let store: MetadataStore;
  let server: Server;
  let replicaUrl: string;
  const lifecycle = createLifecycle();

  beforeAll(async () => {
    f = await startServingFixture({ backend, serving: { aliasStalenessMs: STALENESS_MS } });
    await f.registerVersion();
    await f.registerVersion();
    await f.setAlias('champion', 1);
    await f.createEndpoint('docs-qa', { served: [{ model: `models:/${MODEL}@champion`, traffic: 100 }] });
    const config = loadConfig({ RAGOPS_HOME: f.home, RAGOPS_METADATA_URL: f.metadataUrl, RAGOPS_LOG_LEVEL: 'warn' });
    store = await openMetadataStore(config.metadataUrl);
    const app = createApp({
      store,
      config,
      logger: createServerLogger(config, new Writable({ write: (_c, _e, done) => done() })),
      lifecycle,
      serving: {
        config: {
          providers: {},
          prices: {},
          aliasStalenessMs: STALENESS_MS,
          inference: { queueMax: 1000, batchSize: 100, flushMs: 10, content: 'full', contentSampleRate: 1 },
        },
      },
    });
    ({ server, replicaUrl } = await new Promise<{ server: Server; replicaUrl: string }>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
        resolve({ server: s as Server, replicaUrl: `http://127.0.0.1:${info.port}` }),
      );
    }));
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await lifecycle.shutdown();
    await store?.close();
    await f?.close();
  });

  const servedVersion = async (url: string) => {
    const res = await fetch(`${url}/serving-endpoints/docs-qa/invocations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'What does the champion alias mark?' }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { served: { version: number } }).served.version;
  };

  it('picks up an alias move on every replica within the staleness bound', async () => {
    expect(await servedVersion(f.url)).toBe(1);
    expect(await servedVersion(replicaUrl)).toBe(1);
    await f.setAlias('champion', 2);
    const moved = performance.now();
    // Poll both replicas; record when each first serves v2 (a bound, not a wall-clock assertion on speed).
    const firstV2: Record<string, number> = {};
    while (Object.keys(firstV2).length < 2 && performance.now() - moved < 10_000) {
      for (const url of [f.url, replicaUrl]) {
        if (firstV2[url] === undefined && (await servedVersion(url)) === 2) firstV2[url] = performance.now() - moved;
      }
    }
    expect(Object.keys(firstV2)).toHaveLength(2);
    // Once switched, a replica never goes back.
    for (let i = 0; i < 5; i++) {
      expect(await servedVersion(f.url)).toBe(2);
      expect(await servedVersion(replicaUrl)).toBe(2);
    }
  });
});
