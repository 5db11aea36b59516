import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, corpusLines, removeTempDir, runCli, runJson, startCli, waitForStderr } from './index-cli-helpers.ts';

type Build = {
  version: number;
  documents: number;
  warnings: string[];
  counts: {
    documents: { added: number; changed: number; removed: number; unchanged: number };
    chunks: { embedded: number; deleted: number; total: number };
  };
};
type Query = {
  version: number;
  hits: { documentId: string; text: string; chunkId: string; sources: Record<string, unknown> }[];
};

let dir: string;
let home: string;
let src: string;
const NAME = 'dev.docs.kb';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-index-cli-'));
  home = join(dir, 'home');
  src = join(dir, 'src');
  await mkdir(join(src, 'sub'), { recursive: true });
  await writeFile(
    join(src, 'zebra.md'),
    '# Zebras\n\nThe zebra lives on the savanna and has black and white stripes.\n',
  );
  await writeFile(join(src, 'sub', 'keys.txt'), 'Rotate your API keys every ninety days using the console.');
  await writeFile(
    join(src, 'page.html'),
    '<html><head><title>Pie</title></head><body><p>Cherry pie needs sour cherries.</p></body></html>',
  );
  await writeFile(join(src, 'remove-me.md'), 'This document about walruses will be removed.');
});
afterAll(async () => {
  await removeTempDir(dir);
});

describe('ragops index (CLI end to end)', () => {
  let v1: number;

  it('builds, then queries in every mode', async () => {
    const b = await runJson<Build & { build: number }>(['index', 'build', NAME, '--source', src], home);
    v1 = b.version;
    expect(b.build).toBe(1);
    expect(b.counts.documents).toEqual({ added: 4, changed: 0, removed: 0, unchanged: 0 });
    expect(b.counts.chunks).toEqual({ embedded: 4, deleted: 0, total: 4 });
    for (const mode of ['vector', 'fts', 'hybrid']) {
      const q = await runJson<Query>(
        ['index', 'query', NAME, 'zebra stripes savanna', '--k', '2', '--mode', mode],
        home,
      );
      expect(q.hits[0]!.documentId).toBe('zebra.md');
      expect(q.hits.length).toBeLessThanOrEqual(2);
    }
    const hybrid = await runJson<Query>(['index', 'query', NAME, 'zebra stripes', '--mode', 'hybrid'], home);
    expect(hybrid.hits[0]!.sources).toHaveProperty('vector');
    expect(hybrid.hits[0]!.sources).toHaveProperty('fts');
  });

  it('rebuilds incrementally: exact counts for added, changed, removed and unchanged documents', async () => {
    await writeFile(join(src, 'zebra.md'), '# Zebras\n\nThe giraffe replaced the zebra in this text.\n');
    await writeFile(join(src, 'new.md'), 'A brand new document about penguins.');
    await rm(join(src, 'remove-me.md'));
    const b = await runJson<Build>(['index', 'rebuild', NAME], home);
    expect(b.version).toBeGreaterThan(v1);
    expect(b.counts.documents).toEqual({ added: 1, changed: 1, removed: 1, unchanged: 2 });
    expect(b.counts.chunks).toEqual({ embedded: 2, deleted: 2, total: 4 });
    const again = await runJson<Build>(['index', 'rebuild', NAME], home);
    expect(again.counts.documents).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 4 });
    expect(again.counts.chunks).toEqual({ embedded: 0, deleted: 0, total: 4 });
    expect(again.version).toBeGreaterThan(b.version); // every build is its own version
  });

  it('time travel: --version reads the old content', async () => {
    const old = await runJson<Query>(
      ['index', 'query', NAME, 'walruses', '--mode', 'fts', '--version', String(v1)],
      home,
    );
    expect(old.version).toBe(v1);
    expect(old.hits.map((h) => h.documentId)).toContain('remove-me.md');
    // Build 1 is what history calls the first build, whatever its Lance table version.
    const oldZebra = await runJson<Query>(['index', 'query', NAME, 'stripes', '--mode', 'fts', '--build', '1'], home);
    expect(oldZebra.version).toBe(v1);
    expect(oldZebra.hits[0]!.text).toContain('black and white stripes');
    const now = await runJson<Query>(['index', 'query', NAME, 'walruses', '--mode', 'fts'], home);
    expect(now.hits.map((h) => h.documentId)).not.toContain('remove-me.md');
    const history = await runJson<{ builds: { build: number; version: number; available: boolean }[] }>(
      ['index', 'history', NAME],
      home,
    );
    expect(history.builds.map((b) => b.version)[0]).toBe(v1);
    expect(history.builds.map((b) => b.build)).toEqual([1, 2, 3]);
    const noBuild = await runCli(['index', 'query', NAME, 'x', '--build', '4'], home);
    expect(noBuild.code).toBe(2);
    expect(noBuild.stderr).toMatch(/has no build 4 \(it has builds 1-3\)/);
    const missing = await runCli(['index', 'query', NAME, 'x', '--version', '9999'], home);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no build at version 9999/);
  });

  it('refuses another embedder unless --full, then re-embeds everything', async () => {
    const refused = await runCli(['index', 'build', NAME, '--source', src, '--dimensions', '64'], home);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/was built with embedder hash\/[^/]+\/1024.*asks for hash\/[^/]+\/64.*--full/s);
    const full = await runJson<Build>(['index', 'build', NAME, '--source', src, '--dimensions', '64', '--full'], home);
    expect(full.counts.chunks).toEqual({ embedded: 4, deleted: 4, total: 4 });
    const q = await runJson<Query>(['index', 'query', NAME, 'penguins', '--mode', 'vector', '--k', '1'], home);
    expect(q.hits[0]!.documentId).toBe('new.md');
    const status = await runJson<{ lastBuild: { embedder: { dimensions: number } } }>(['index', 'status', NAME], home);
    expect(status.lastBuild.embedder.dimensions).toBe(64);
  });

  it('bad input: missing source exits 2 naming it; undecodable file skipped with a warning; bad flags exit 2', async () => {
    const missing = join(dir, 'no-such-folder');
    const r = await runCli(['index', 'build', 'dev.docs.other', '--source', missing], home);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(missing);

    const messy = join(dir, 'messy');
    await mkdir(messy);
    await writeFile(join(messy, 'good.md'), 'Good text.');
    // Invalid UTF-8 (not starting with ff fe: that is a UTF-16 byte-order mark, and is read as UTF-16).
    await writeFile(join(messy, 'bad.txt'), Buffer.from([0x63, 0xff, 0xfe, 0x00, 0xc3]));
    const b = await runJson<Build>(['index', 'build', 'dev.docs.messy', '--source', messy], home);
    expect(b.documents).toBe(1);
    expect(b.warnings.join('\n')).toMatch(/bad\.txt.*UTF-8/);

    const badName = await runCli(['index', 'build', 'not-three-levels', '--source', messy], home);
    expect(badName.code).toBe(2);
    const badK = await runCli(['index', 'query', NAME, 'x', '--k', 'zero'], home);
    expect(badK.code).toBe(2);
    expect(badK.stderr).toMatch(/^error: --k: /m);
    const badMode = await runCli(['--json', 'index', 'query', NAME, 'x', '--mode', 'fuzzy'], home);
    expect(badMode.code).toBe(2);
    expect(JSON.parse(badMode.stdout).error).toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/^--mode: /),
    });
    expect(badName.stderr).toMatch(/not-three-levels/);
  });

  it('refuses a second concurrent build of the same index with a clear message', async () => {
    const corpus = join(dir, 'big.jsonl');
    await writeFile(corpus, corpusLines(1000));
    const first = startCli(['index', 'build', 'dev.docs.big', '--source', corpus, '--batch-chunks', '20'], home);
    const done = collect(first);
    await waitForStderr(first, /embedding: started/);
    // Freeze the first build while it holds the lock (a stopped process is alive, so its lock is
    // live): the second build then always meets it, however fast the first would have finished.
    first.kill('SIGSTOP');
    const second = await runCli(['index', 'build', 'dev.docs.big', '--source', corpus], home).finally(() =>
      first.kill('SIGCONT'),
    );
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/dev\.docs\.big is locked by another build/);
    const result = await done;
    expect(result.code).toBe(0);
    const status = await runJson<{ locked: boolean; lastBuild: { documents: number } }>(
      ['index', 'status', 'dev.docs.big'],
      home,
    );
    expect(status.locked).toBe(false);
    expect(status.lastBuild.documents).toBe(1000);
  });
});
