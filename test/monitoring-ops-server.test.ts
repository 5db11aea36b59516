// Online judging and alert config inside a real server run: a replica on the serving fixture's store
// judges the live answers of the endpoint named in ragops.yaml monitoring.onlineJudging on its own
// schedule, drains on close, and refuses a webhook secret written into the spec.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../apps/server/src/config.ts';
import { startServer } from '../apps/server/src/server.ts';
import { MODEL, type ServingFixture, startServingFixture } from './serving-fixture.ts';

let f: ServingFixture;

beforeAll(async () => {
  f = await startServingFixture();
  await f.registerVersion();
  await f.createEndpoint('judged', { served: [{ model: `models:/${MODEL}/1`, traffic: 100 }] });
  for (const question of [
    'What does the champion alias mark?',
    'How are Lance versions kept?',
    'How is traffic split?',
  ]) {
    const res = await fetch(`${f.url}/serving-endpoints/judged/invocations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ question }),
    });
    expect(res.status).toBe(200);
  }
  await f.rows(3);
}, 120_000);

afterAll(() => f?.close());

const replicaConfig = (spec: string) =>
  loadConfig({
    RAGOPS_HOME: f.home,
    RAGOPS_METADATA_URL: f.metadataUrl,
    PORT: '0',
    RAGOPS_SPEC: spec,
    RAGOPS_LOG_LEVEL: 'warn',
  });

describe('monitoring ops in the server', () => {
  it('judges the sampled live answers on its schedule with the served passages, and drains on close', async () => {
    const spec = join(f.home, 'judging.yaml');
    await writeFile(
      spec,
      [
        'version: 1',
        'monitoring:',
        '  refresh: { intervalSeconds: 0 }',
        '  onlineJudging:',
        '    pollSeconds: 1',
        '    endpoints:',
        '      judged: { sampleRate: 1, judges: [sentence_support, citation_validity] }',
        '',
      ].join('\n'),
    );
    const replica = await startServer(replicaConfig(spec));
    try {
      const deadline = Date.now() + 60_000;
      let scores: Record<string, unknown>[] = [];
      while (Date.now() < deadline) {
        scores = await f.store.all('SELECT judge, score FROM monitor_judge_scores WHERE endpoint = ?', ['judged']);
        if (scores.length >= 6) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(scores).toHaveLength(6);
      // The extractive answerer quotes its passages: supported when the passage texts were read.
      expect(scores.filter((s) => s.judge === 'sentence_support').every((s) => Number(s.score) > 0.5)).toBe(true);
    } finally {
      await replica.close();
    }
    expect(await f.store.all("SELECT * FROM monitoring_judging_ledger WHERE error = 'pending'")).toEqual([]);
  }, 90_000);

  it('refuses to start with a webhook secret written into ragops.yaml or a rule on an unknown webhook', async () => {
    const literal = join(f.home, 'literal.yaml');
    await writeFile(
      literal,
      'version: 1\nmonitoring:\n  alerts:\n    webhooks: [{ name: ops, url: "http://127.0.0.1:9/hook", secret: "abcdefghijklmnopqrstuvwxyz" }]\n',
    );
    await expect(startServer(replicaConfig(literal))).rejects.toThrow(/ENV_VAR/);
    const unknown = join(f.home, 'unknown.yaml');
    await writeFile(
      unknown,
      'version: 1\nmonitoring:\n  alerts:\n    rules: [{ name: e, endpoint: judged, metric: error_rate, condition: { above: 0.1 }, webhooks: [nope] }]\n',
    );
    await expect(startServer(replicaConfig(unknown))).rejects.toThrow(/no webhook is named "nope"/);
  });
});
