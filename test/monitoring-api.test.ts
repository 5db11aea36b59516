// The metric tables through a real server run: a second replica on the same store refreshes them on
// its schedule (ragops.yaml monitoring.refresh), and GET /api/v1/monitoring/endpoints/{name}/metrics
// serves them to principals with READ on the endpoint's models only.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../apps/server/src/config.ts';
import { type RunningServer, startServer } from '../apps/server/src/server.ts';
import { MODEL, type ServingFixture, startServingFixture } from './serving-fixture.ts';

let f: ServingFixture;
let replica: RunningServer | undefined;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  f = await startServingFixture();
  await f.registerVersion();
  await f.setAlias('champion', 1);
  await f.createEndpoint('mon', { served: [{ model: `models:/${MODEL}@champion`, traffic: 100 }] });
  tokens.reader = await f.userToken('mon-reader', ['READ']);
  tokens.runner = await f.userToken('mon-runner', ['EXECUTE']);
  tokens.nobody = await f.userToken('mon-nobody', []);
  for (let i = 0; i < 6; i++) {
    const res = await fetch(`${f.url}/serving-endpoints/mon/invocations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ question: i % 2 ? 'What does the champion alias mark?' : 'How are versions kept?' }),
    });
    expect(res.status).toBe(200);
  }
  await f.rows(6);
}, 120_000);

afterAll(async () => {
  await replica?.close();
  await f?.close();
});

const get = (base: string, path: string, token = f.adminToken) =>
  fetch(`${base}/api/v1/monitoring/endpoints/${path}`, { headers: { authorization: `Bearer ${token}` } });

type Table = { points: { requestCount: number; errorRate: { mean: number; n: number } | null; windowSize: string }[] };

describe('metric tables in a running server', () => {
  it("a replica's schedule refreshes them (every second here, grace 0) and REST returns them", async () => {
    const spec = join(f.home, 'ragops.yaml');
    await writeFile(spec, 'version: 1\nmonitoring:\n  refresh: { intervalSeconds: 1, graceSeconds: 0 }\n');
    replica = await startServer(
      loadConfig({
        RAGOPS_HOME: f.home,
        RAGOPS_METADATA_URL: f.metadataUrl,
        PORT: '0',
        RAGOPS_SPEC: spec,
        RAGOPS_LOG_LEVEL: 'warn',
      }),
    );
    let table: Table = { points: [] };
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const res = await get(replica.url, 'mon/metrics?window=1d');
      expect(res.status).toBe(200);
      table = (await res.json()) as Table;
      if (table.points.reduce((n, p) => n + p.requestCount, 0) >= 6) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(table.points).toHaveLength(1);
    expect(table.points[0]).toMatchObject({ windowSize: '1d', requestCount: 6, errorRate: { mean: 0, n: 6 } });
  }, 90_000);

  it('READ on the served models reads them; EXECUTE alone is 403, nothing is 404', async () => {
    expect((await get(f.url, 'mon/metrics?window=1d', tokens.reader)).status).toBe(200);
    const runner = await get(f.url, 'mon/metrics?window=1d', tokens.runner);
    expect(runner.status).toBe(403);
    expect(((await runner.json()) as { error: { message: string } }).error.message).toMatch(/READ/);
    expect((await get(f.url, 'mon/metrics', tokens.nobody)).status).toBe(404);
    expect((await get(f.url, 'nope/metrics')).status).toBe(404);
  });

  it('bad filters are 400 naming the parameter', async () => {
    for (const [query, field] of [
      ['window=2h', 'window'],
      ['limit=0', 'limit'],
      ['since=yesterday', 'since'],
      ['slice=DROP%20TABLE', 'slice'],
      ['colour=red', 'colour'],
    ]) {
      const res = await get(f.url, `mon/metrics?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message, query).toContain(field);
    }
  });
});
