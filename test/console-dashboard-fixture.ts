// The monitoring dashboard's data, made by the real parts: an endpoint splitting traffic between
// versions 1 and 2 (test/monitoring-ops-fixture.ts: real index, real store with every migration),
// six hours of inference rows written as the server writes them, the metric tables refreshed,
// drift computed for the last complete hour, an alert rule evaluated (it fires), and the real app
// listening on loopback with a reader (READ), a runner (EXECUTE only) and an outsider (no grants).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { addGrant, createPrincipal, createToken, monitoringSpecSchema, type Privilege } from '@ragops/core';
import { computeDrift, evaluateAlerts, lastCompleteWindow, refreshMetrics } from '@ragops/monitoring';
import { createApp } from '../apps/server/src/app.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import { createLifecycle } from '../apps/server/src/lifecycle.ts';
import { createServerLogger } from '../apps/server/src/logger.ts';
import { MODEL, type MonitoringOpsFixture, startMonitoringOpsFixture } from './monitoring-ops-fixture.ts';

export const ENDPOINT = 'docs';
const HOURS = 6;
const PER_HOUR = 12;
const QUESTIONS = ['What is a table version?', 'What does the champion alias mark?', 'How is traffic split?'];

export type DashboardFixture = {
  ops: MonitoringOpsFixture;
  url: string;
  tokens: { reader: string; runner: string; outsider: string };
  close(): Promise<void>;
};

export async function startDashboardFixture(): Promise<DashboardFixture> {
  const ops = await startMonitoringOpsFixture('sqlite');
  const ctx = { store: ops.store, actor: ops.admin, requestId: 'dashboard-fixture' };
  await ops.createEndpoint(ENDPOINT, {
    served: [
      { name: 'v1', model: `models:/${MODEL}/1`, traffic: 75 },
      { name: 'v2', model: `models:/${MODEL}/2`, traffic: 25 },
    ],
  });
  const hourMs = 3_600_000;
  const now = new Date();
  const thisHour = Math.floor(now.getTime() / hourMs) * hourMs;
  const rows = [];
  for (let h = HOURS; h >= 1; h--) {
    for (let i = 0; i < PER_HOUR; i++) {
      const v2 = i % 4 === 3;
      const failed = i === 0 && h % 2 === 0;
      rows.push(
        ops.row({
          ts: new Date(thisHour - h * hourMs + i * 240_000).toISOString(),
          servedEntity: v2 ? 'v2' : 'v1',
          modelUri: `models:/${MODEL}/${v2 ? 2 : 1}`,
          modelVersion: v2 ? 2 : 1,
          latencyTotalMs: 60 + 15 * h + 7 * i + (v2 ? 40 : 0),
          costUsd: 0.001 + 0.0001 * i,
          requestMessages: [{ role: 'user', content: QUESTIONS[i % QUESTIONS.length]! }],
          retrieved: [{ chunkId: 'lance.md#0', documentId: 'lance.md', score: 0.3 + 0.05 * (i % 8) }],
          ...(failed && { status: 'error', httpStatus: 502, errorCode: 'provider_error', answer: null }),
        }),
      );
    }
  }
  await ops.insertRows(rows);
  await refreshMetrics({ store: ops.store, spec: monitoringSpecSchema.parse({}), now });
  await computeDrift({
    store: ops.store,
    home: ops.home,
    endpoint: ENDPOINT,
    current: lastCompleteWindow('1h', now),
    config: { minPerSide: 5, permutations: 19 },
  });
  await evaluateAlerts({
    store: ops.store,
    now,
    config: {
      rules: [
        {
          name: 'p95-high',
          endpoint: ENDPOINT,
          metric: 'latency_p95_ms',
          window: '1h',
          condition: { above: 50 },
          minCount: 1,
        },
      ],
    },
  });

  const token = async (name: string, privileges: Privilege[]) => {
    await createPrincipal({ ...ctx, principal: { name } });
    const grants: [Privilege, 'catalog' | 'schema', string][] = [
      ['USE_CATALOG', 'catalog', 'dev'],
      ['USE_SCHEMA', 'schema', 'dev.mon'],
      ...privileges.map((p): [Privilege, 'schema', string] => [p, 'schema', 'dev.mon']),
    ];
    for (const [privilege, type, securable] of grants) {
      await addGrant({ ...ctx, grant: { principal: name, privilege, securable: { type, name: securable } } });
    }
    return (await createToken({ ...ctx, token: { principal: name } })).token;
  };
  const tokens = {
    reader: await token('dash-reader', ['READ']),
    runner: await token('dash-runner', ['EXECUTE']),
    outsider: (await createToken({ ...ctx, token: { principal: ops.outsider.name } })).token,
  };

  const config = loadConfig({ RAGOPS_HOME: ops.home, RAGOPS_LOG_LEVEL: 'silent' });
  const lifecycle = createLifecycle();
  const app = createApp({ store: ops.store, config, logger: createServerLogger(config), lifecycle });
  const { server, port } = await new Promise<{ server: Server; port: number }>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({ server: s as Server, port: info.port }),
    );
  });
  return {
    ops,
    url: `http://127.0.0.1:${port}`,
    tokens,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await lifecycle.shutdown();
      await ops.close();
    },
  };
}
