// The dashboard's drift panel over more stored results than it lists (100), signed in, on both
// store backends: the newest of the version asked for (filtered by the query, not after it), and
// a note when older results match too.
import { createToken } from '@ragops/core';
import type { DriftResult } from '@ragops/monitoring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../apps/server/src/app.ts';
import type { RagopsApp } from '../apps/server/src/app-context.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import { createLifecycle } from '../apps/server/src/lifecycle.ts';
import { createServerLogger } from '../apps/server/src/logger.ts';
import { upsertDriftResults } from '../packages/monitoring/src/drift/drift-store.ts';
import { sessionCookie } from './console-fixture.ts';
import { MODEL, type MonitoringOpsFixture, startMonitoringOpsFixture } from './monitoring-ops-fixture.ts';
import { testBackends } from './server-fixture.ts';

const T0 = Date.UTC(2026, 10, 1);
const hour = (h: number) => new Date(T0 + h * 3_600_000).toISOString();

/** A stored drift result of `version` for the hour h (query_mmd against the previous hour). */
function result(h: number, version: number): DriftResult {
  return {
    endpoint: 'docs',
    modelName: MODEL,
    modelVersion: version,
    metric: 'query_mmd',
    comparison: 'previous',
    current: { start: hour(h), end: hour(h + 1) },
    reference: { start: hour(h - 1), end: hour(h) },
    n: { current: 20, reference: 20 },
    statistic: 0.1,
    threshold: 0.01,
    pValue: 0.5,
    verdict: 'stable',
    detail: {},
    computedAt: hour(h + 1),
  };
}

for (const backend of testBackends()) {
  describe(`the dashboard's drift panel (${backend})`, () => {
    let f: MonitoringOpsFixture;
    let app: RagopsApp;
    let cookie: string;
    const lifecycle = createLifecycle();
    const drift = async (query: string) => {
      const res = await app.request(`/console/monitoring/docs?range=all${query}`, { headers: { cookie } });
      const page = await res.text();
      expect(res.status, page.slice(0, 300)).toBe(200);
      return { rows: page.match(/<tr class="drift-row"/g)?.length ?? 0, cut: page.includes('older ones match too') };
    };

    beforeAll(async () => {
      f = await startMonitoringOpsFixture(backend);
      await f.createEndpoint('docs', { served: [{ model: `models:/${MODEL}/1`, traffic: 100 }] });
      // Version 2's 20 results are older than all of version 1's 150.
      const results = [
        ...Array.from({ length: 20 }, (_, h) => result(h, 2)),
        ...Array.from({ length: 150 }, (_, h) => result(20 + h, 1)),
      ];
      await f.store.transaction((tx) => upsertDriftResults(tx, results));
      const config = loadConfig({ RAGOPS_HOME: f.home, RAGOPS_LOG_LEVEL: 'silent' });
      app = createApp({ store: f.store, config, logger: createServerLogger(config), lifecycle });
      const ctx = { store: f.store, actor: f.admin, requestId: 'test' };
      cookie = await sessionCookie({ app }, (await createToken({ ...ctx, token: { principal: f.admin.name } })).token);
    }, 120_000);
    afterAll(async () => {
      await lifecycle.shutdown();
      await f?.close();
    });

    it('lists the newest 100 and says older ones match too', async () => {
      expect(await drift('')).toEqual({ rows: 100, cut: true });
      expect(await drift('&version=1')).toEqual({ rows: 100, cut: true });
    });

    it('filters by version in the query, so an older version still shows all of its results', async () => {
      expect(await drift('&version=2')).toEqual({ rows: 20, cut: false });
    });
  });
}
