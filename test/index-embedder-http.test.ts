import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OpenAIProtocolServer, startOpenAIProtocolServer } from '@ragops/rag/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './index-cli-helpers.ts';

let dir: string;
let home: string;
let server: OpenAIProtocolServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-index-http-'));
  home = join(dir, 'home');
  server = await startOpenAIProtocolServer({ apiKey: 'sk-loopback' });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('ragops index with an openai-compatible embedder (loopback server)', () => {
  it('builds through /v1/embeddings with retries on 429/500, queries with the same embedder, refuses a missing key', async () => {
    const file = join(dir, 'docs.jsonl');
    const docs = ['alpha about apples', 'beta about bananas', 'gamma about grapes'];
    await writeFile(file, docs.map((text, i) => JSON.stringify({ id: `d${i}`, text })).join('\n'));
    const flags = ['--embedder', 'openai-compatible', '--embedding-model', 'test-embedding', '--dimensions', '16'];
    const args = [
      '--json',
      'index',
      'build',
      'dev.docs.http',
      '--source',
      file,
      ...flags,
      '--base-url',
      server.baseURL,
      '--api-key-env',
      'EMBED_KEY',
    ];

    const noKey = await runCli(args, home);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/EMBED_KEY/);
    expect(server.requests).toHaveLength(0);

    server.faults.push({ kind: 'status', status: 429 }, { kind: 'status', status: 500 });
    const built = await runCli(args, home, { EMBED_KEY: 'sk-loopback' });
    expect(built.code, built.stderr).toBe(0);
    expect(JSON.parse(built.stdout).counts.chunks.embedded).toBe(3);
    expect(server.requests).toHaveLength(3); // 429, 500, then the batch
    expect(server.requests[2]!.body).toMatchObject({ model: 'test-embedding', dimensions: 16, input: docs });

    // The server's vectors are sha256-derived: the text itself is its own nearest neighbour.
    const q = await runCli(
      ['--json', 'index', 'query', 'dev.docs.http', docs[1]!, '--mode', 'vector', '--k', '1'],
      home,
      {
        EMBED_KEY: 'sk-loopback',
      },
    );
    expect(q.code, q.stderr).toBe(0);
    expect(JSON.parse(q.stdout).hits[0].documentId).toBe('d1');
    expect((server.requests.at(-1)!.body as { input: string[] }).input).toEqual([docs[1]]);
  });
});
