// The metric tables through a real server run: a second replica on the same store refreshes them on
// its schedule (ragops.yaml monitoring.refresh), and GET /api/v1/monitoring/endpoints/{name}/metrics
// serves them to principals with READ on the endpoint's models only.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../apps/server/src/config.ts';
import { type RunningServer, startServer } from '../apps/server/src/server.ts';
import { runCli } from './index-cli-helpers.ts';
import { MODEL, type ServingFixture, startServingFixture } from './serving-fixture.ts';

const backends = process.env.RAGOPS_TEST_POSTGRES_URL ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);

describe.each(backends)('metric tables over HTTP and the CLI (%s)', (backend) => {
  let f: ServingFixture;
  let replica: RunningServer | undefined;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    f = await startServingFixture({ backend });
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

  type Table = {
    points: { requestCount: number; errorRate: { mean: number; n: number } | null; windowSize: string }[];
  };

  const total = (t: Table) => t.points.reduce((n, p) => n + p.requestCount, 0);

  describe('ragops monitor (in-process CLI on the same store)', () => {
    const cli = (args: string[], env: Record<string, string> = {}) =>
      runCli(args, f.home, { RAGOPS_METADATA_URL: f.metadataUrl, ...env }, { cwd: f.home });

    it('refresh reads the six rows; show prints them per window, --json carries every metric', async () => {
      const refresh = await cli(['--json', 'monitor', 'refresh']);
      expect(refresh.code, refresh.stderr).toBe(0);
      expect(JSON.parse(refresh.stdout)).toMatchObject({ status: 'refreshed', rowsRead: 6 });
      const show = await cli(['--json', 'monitor', 'show', 'mon', '--window', '1d', '--version', '1', '--since', '7d']);
      expect(show.code, show.stderr).toBe(0);
      const table = JSON.parse(show.stdout) as Table;
      expect(table.points).toMatchObject([{ requestCount: 6, errorRate: { mean: 0, n: 6 } }]);
      const human = await cli(['monitor', 'show', 'mon', '--window', '1d']);
      expect(human.stdout).toMatch(/champion\s+all\s+6\s+0\.0% \[0\.0, \d+\.\d\]/);
    });

    it('bad flags exit 2 naming the flag; a principal without READ is refused; refresh is for admins', async () => {
      const bad = await cli(['monitor', 'show', 'mon', '--window', '2h']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--window');
      expect((await cli(['monitor', 'show', 'mon', '--since', 'last tuesday'])).stderr).toContain('--since');
      const runner = await cli(['monitor', 'show', 'mon'], { RAGOPS_TOKEN: tokens.runner! });
      expect(runner.code).toBe(2);
      expect(runner.stderr).toMatch(/READ/);
      const refresh = await cli(['monitor', 'refresh'], { RAGOPS_TOKEN: tokens.reader! });
      expect(refresh.code).toBe(2);
      expect(refresh.stderr).toMatch(/admin/);
    });
  });

  describe('metric tables in a running server', () => {
    it("a replica's schedule refreshes them (every second here, grace 0) and REST returns them", async () => {
      // Two requests after the CLI's refresh: only the schedule can count them.
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${f.url}/serving-endpoints/mon/invocations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${f.adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ question: 'Where do endpoints split traffic?' }),
        });
        expect(res.status).toBe(200);
      }
      await f.rows(8);
      const spec = join(f.home, 'ragops.yaml');
      await writeFile(
        spec,
        'version: 1\nmonitoring:\n  refresh: { intervalSeconds: 1, graceSeconds: 0, sizeIntervalSeconds: { 1d: 0 } }\n',
      );
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
        if (total(table) >= 8) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(total(table)).toBe(8);
      expect(table.points.every((p) => p.windowSize === '1d' && p.errorRate?.mean === 0)).toBe(true);
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
});
