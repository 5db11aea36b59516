// `ragops endpoints …` and `ragops inference …` through the real binary, against the store the
// serving fixture's app writes to (SQLite in its RAGOPS_HOME).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './index-cli-helpers.ts';
import { MODEL, type ServingFixture, startServingFixture } from './serving-fixture.ts';

let f: ServingFixture;
const cli = (args: string[]) => runCli(args, f.home, { RAGOPS_METADATA_URL: '', RAGOPS_TOKEN: '' });
async function json<T>(args: string[]): Promise<T> {
  const r = await cli(['--json', ...args]);
  if (r.code !== 0) throw new Error(`ragops ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

beforeAll(async () => {
  f = await startServingFixture();
  await f.registerVersion();
  await f.registerVersion();
  await f.setAlias('champion', 1);
});
afterAll(async () => f?.close());

type EndpointJson = {
  name: string;
  config: { served: { name: string; model: string; traffic: number }[]; timeoutMs: number };
};

describe('ragops endpoints', () => {
  it('creates, shows, lists and updates an endpoint', async () => {
    const created = await json<EndpointJson>([
      'endpoints',
      'create',
      'cli-qa',
      '--serve',
      `models:/${MODEL}@champion=80`,
      '--serve',
      `models:/${MODEL}/2=20`,
      '--timeout-ms',
      '5000',
    ]);
    expect(created.config.served.map((s) => [s.name, s.traffic])).toEqual([
      ['champion', 80],
      ['v2', 20],
    ]);
    expect((await json<EndpointJson>(['endpoints', 'show', 'cli-qa'])).config.timeoutMs).toBe(5000);
    expect((await json<{ items: EndpointJson[] }>(['endpoints', 'list'])).items.map((e) => e.name)).toContain('cli-qa');
    const updated = await json<EndpointJson>(['endpoints', 'update', 'cli-qa', '--serve', `models:/${MODEL}/2`]);
    expect(updated.config.served).toEqual([{ name: 'v2', model: `models:/${MODEL}/2`, traffic: 100 }]);
    const human = await cli(['endpoints', 'show', 'cli-qa']);
    expect(human.stdout).toMatch(/v2\s+models:\/dev\.qs\.docs_qa\/2\s+100%/);
  });

  it('exits 2 with a message on bad input and on unknown endpoints', async () => {
    const bad = await cli(['endpoints', 'create', 'x', '--serve', `models:/${MODEL}/1=60`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/sum to 100/);
    const noServe = await cli(['endpoints', 'create', 'x']);
    expect(noServe.code).toBe(2);
    const badShare = await cli(['endpoints', 'create', 'x', '--serve', `models:/${MODEL}/1=half`]);
    expect(badShare.code).toBe(2);
    expect(badShare.stderr).toMatch(/--serve models:\/.*=half: the traffic share after = must be a whole percent/);
    const unshared = await cli([
      'endpoints',
      'create',
      'x',
      '--serve',
      `models:/${MODEL}/1`,
      '--serve',
      `models:/${MODEL}/2`,
    ]);
    expect(unshared.code).toBe(2);
    expect(unshared.stderr).toMatch(/give each a traffic share/);
    expect((await cli(['endpoints', 'show', 'missing'])).code).toBe(2);
  });

  it('deletes an endpoint, audited like DELETE /api/v1/endpoints/{name}', async () => {
    await json(['endpoints', 'create', 'cli-gone', '--serve', `models:/${MODEL}/1`]);
    const deleted = await json<EndpointJson>(['endpoints', 'delete', 'cli-gone']);
    expect(deleted.name).toBe('cli-gone');
    expect((await cli(['endpoints', 'show', 'cli-gone'])).code).toBe(2);
    const again = await cli(['endpoints', 'delete', 'cli-gone']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/endpoint "cli-gone" not found/);
    const audit = await json<{ items: { action: string; objectName: string }[] }>([
      'audit',
      '--action',
      'endpoint.delete',
    ]);
    expect(audit.items.map((e) => e.objectName)).toContain('cli-gone');
  });

  it('applies ragops.yaml endpoints', async () => {
    const spec = join(f.home, 'ragops.yaml');
    await writeFile(
      spec,
      `endpoints:\n  yaml-qa:\n    served:\n      - { model: "models:/${MODEL}@champion", traffic: 100 }\n    rateLimit: { requestsPerMinute: 600 }\n`,
    );
    const first = await json<{ endpoints: { name: string; action: string }[] }>(['endpoints', 'apply', '--spec', spec]);
    expect(first.endpoints).toEqual([{ name: 'yaml-qa', action: 'created' }]);
    const again = await json<{ endpoints: { name: string; action: string }[] }>(['endpoints', 'apply', '--spec', spec]);
    expect(again.endpoints).toEqual([{ name: 'yaml-qa', action: 'unchanged' }]);
  });
});

describe('ragops inference', () => {
  it('queries, tails and exports the rows requests wrote', async () => {
    const sdk = new OpenAI({ baseURL: f.baseURL, apiKey: f.adminToken, maxRetries: 0 });
    for (let i = 0; i < 3; i++) {
      await sdk.chat.completions.create({
        model: 'yaml-qa',
        messages: [{ role: 'user', content: `What is Lance? ${i}` }],
      });
    }
    await f.rows(3);
    const q = await json<{ items: { endpoint: string; modelVersion: number; status: string }[] }>([
      'inference',
      'query',
      '--endpoint',
      'yaml-qa',
      '--since',
      '1h',
    ]);
    expect(q.items).toHaveLength(3);
    expect(q.items.every((r) => r.modelVersion === 1 && r.status === 'ok')).toBe(true);
    const tail = await cli(['inference', 'tail', '-n', '2', '--endpoint', 'yaml-qa']);
    expect(tail.code).toBe(0);
    expect(tail.stdout.trim().split('\n')).toHaveLength(3); // header + 2 rows
    const out = join(f.home, 'rows.jsonl');
    const exported = await json<{ rows: number }>([
      'inference',
      'export',
      '--format',
      'jsonl',
      '--endpoint',
      'yaml-qa',
      '--out',
      out,
    ]);
    expect(exported.rows).toBe(3);
    const lines = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { requestMessages: { content: string }[] });
    expect(lines.map((l) => l.requestMessages[0]!.content)).toEqual([
      'What is Lance? 0',
      'What is Lance? 1',
      'What is Lance? 2',
    ]);
    expect((await cli(['inference', 'export', '--format', 'parquet'])).code).toBe(2); // needs --out
    const pq = join(f.home, 'rows.parquet');
    await json(['inference', 'export', '--format', 'parquet', '--endpoint', 'yaml-qa', '--out', pq]);
    const table = await parquetReadObjects({ file: await asyncBufferFromFile(pq) });
    expect(table).toHaveLength(3);
    expect(table[0]).toMatchObject({
      endpoint: 'yaml-qa',
      model_version: 1,
      status: 'ok',
      stream: false,
      http_status: 200,
    });
    expect(table[0]!.ts).toBeInstanceOf(Date);
    expect(typeof table[0]!.latency_total_ms).toBe('number');
    expect(JSON.parse(String(table[2]!.request_messages))).toEqual([{ role: 'user', content: 'What is Lance? 2' }]);
  });
});
