// `ragops monitor drift|alerts|split-test` in-process against the fixture's SQLite store and home.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './index-cli-helpers.ts';
import { MODEL, type MonitoringOpsFixture, startMonitoringOpsFixture } from './monitoring-ops-fixture.ts';

let f: MonitoringOpsFixture;
const hour = (h: number) => new Date(Date.UTC(2026, 10, 1, h)).toISOString();

beforeAll(async () => {
  f = await startMonitoringOpsFixture();
  await f.createEndpoint('docs', { served: [{ model: `models:/${MODEL}/1`, traffic: 100 }] });
  const questions = ['How are table versions kept?', 'What does the champion alias mark?', 'How is traffic split?'];
  await f.insertRows(
    Array.from({ length: 120 }, (_, i) =>
      f.row({
        ts: new Date(Date.parse(hour(0)) + i * 60_000).toISOString(),
        requestMessages: [{ role: 'user', content: `${questions[i % 3]} (${i % 7})` }],
      }),
    ),
  );
});
afterAll(() => f?.close());

const cli = (args: string[]) => runCli(args, f.home, {}, { cwd: f.home });

describe('ragops monitor drift|alerts|split-test', () => {
  it('drift --compute stores and prints the last complete window against the previous one', async () => {
    const res = await cli(['--json', 'monitor', 'drift', 'docs', '--compute', '--window', '1h', '--at', hour(2)]);
    expect(res.code, res.stderr).toBe(0);
    const { items: rows, nextPageToken } = JSON.parse(res.stdout) as {
      items: { metric: string; comparison: string; verdict: string; n: { current: number } }[];
      nextPageToken?: string;
    };
    expect(rows).toHaveLength(6);
    expect(nextPageToken).toBeUndefined();
    expect(rows.every((r) => r.comparison === 'previous' && r.n.current === 60)).toBe(true);
    const text = await cli(['monitor', 'drift', 'docs', '--metric', 'query_mmd']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/query_mmd/);
  });

  it('drift pages: --page-size cuts a page, says how to get the next, and --page-token gets the rest', async () => {
    const first = await cli(['--json', 'monitor', 'drift', 'docs', '--page-size', '4']);
    expect(first.code, first.stderr).toBe(0);
    const page = JSON.parse(first.stdout) as { items: unknown[]; nextPageToken?: string };
    expect(page.items).toHaveLength(4);
    expect(page.nextPageToken).toEqual(expect.any(String));
    const text = await cli(['monitor', 'drift', 'docs', '--page-size', '4']);
    expect(text.stdout).toContain(`older results: pass --page-token ${page.nextPageToken}`);
    const rest = await cli([
      '--json',
      'monitor',
      'drift',
      'docs',
      '--page-size',
      '4',
      '--page-token',
      page.nextPageToken!,
    ]);
    expect(JSON.parse(rest.stdout)).toEqual({ items: expect.any(Array) });
    expect((JSON.parse(rest.stdout) as { items: unknown[] }).items).toHaveLength(2);
    const lastText = await cli(['monitor', 'drift', 'docs', '--page-size', '4', '--page-token', page.nextPageToken!]);
    expect(lastText.stdout).not.toContain('--page-token');
    for (const args of [
      ['--page-size', '1001'],
      ['--page-token', 'garbage!'],
    ]) {
      const bad = await cli(['monitor', 'drift', 'docs', ...args]);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr, args.join(' ')).toMatch(/page/i);
    }
  });

  it('alerts prints state and history; bad flags exit 2 naming them', async () => {
    const res = await cli(['--json', 'monitor', 'alerts', '--endpoint', 'docs']);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ alerts: [], events: [] });
    const bad = await cli(['monitor', 'alerts', '--state', 'burning']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/state/);
    const metric = await cli(['monitor', 'drift', 'docs', '--metric', 'bogus']);
    expect(metric.code).toBe(2);
    expect(metric.stderr).toMatch(/metric/);
  });

  it('split-test keeps collecting without judge scores and names the arms on a typo', async () => {
    const res = await cli(['--json', 'monitor', 'split-test', 'docs', '--control', 'v1', '--candidate', 'v1']);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({
      decision: 'keep_collecting',
      gateCriterion: { verdict: 'unavailable' },
    });
    const typo = await cli(['monitor', 'split-test', 'docs', '--control', 'v1', '--candidate', 'v7']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/arms: v1/);
  });

  it('a 100k-character run as an endpoint, arm or metric is exit 2 with a short message, never an internal error', async () => {
    const run = 'x'.repeat(100_000);
    for (const args of [
      ['monitor', 'drift', run],
      ['monitor', 'drift', 'docs', '--metric', run],
      ['monitor', 'alerts', '--endpoint', run],
      ['monitor', 'split-test', run, '--control', 'v1', '--candidate', 'v1'],
      ['monitor', 'split-test', 'docs', '--control', run, '--candidate', 'v1'],
      ['monitor', 'split-test', 'docs', '--control', 'v1', '--candidate', 'v1', '--primary', run],
    ]) {
      const res = await cli(args);
      const what = `${args.slice(0, 3).join(' ')} ${res.stderr.slice(0, 200)}`;
      expect(res.code, what).toBe(2);
      expect(res.stderr.length, what).toBeLessThan(2_000);
    }
  });
});
