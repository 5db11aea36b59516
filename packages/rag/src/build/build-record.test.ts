import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  findIndexHead,
  getIndexBuild,
  getIndexBuildWithoutManifest,
  type IndexBuild,
  listIndexBuilds,
  writeBuildRecord,
} from './build-record.ts';
import { indexPaths } from './index-paths.ts';

describe('build records damaged outside ragops', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'ragops-build-record-'));
  });
  afterEach(async () => rm(home, { recursive: true, force: true }));

  it('a head.json that is not JSON is a config error naming the file', async () => {
    const paths = indexPaths(home, 'dev.docs.kb');
    await mkdir(paths.dir, { recursive: true });
    await writeFile(paths.head, '{"version": 3,');
    const error = await findIndexHead(home, 'dev.docs.kb').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'config_error' });
    expect((error as Error).message).toContain(paths.head);
  });

  it('a build record that is not JSON is a config error naming the file, not "no build"', async () => {
    const paths = indexPaths(home, 'dev.docs.kb');
    await mkdir(paths.builds, { recursive: true });
    await writeFile(join(paths.builds, '4.json'), 'garbage');
    const error = await getIndexBuild(home, 'dev.docs.kb', 4).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'config_error' });
    expect((error as Error).message).toContain(join(paths.builds, '4.json'));
  });

  it('a missing manifest file next to a record without one is a config error naming it', async () => {
    const paths = indexPaths(home, 'dev.docs.kb');
    await writeBuildRecord(home, record(4));
    await rm(join(paths.builds, '4.manifest.json'));
    expect(await getIndexBuildWithoutManifest(home, 'dev.docs.kb', 4)).toMatchObject({ version: 4 });
    const error = await getIndexBuild(home, 'dev.docs.kb', 4).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'config_error' });
    expect((error as Error).message).toContain(join(paths.builds, '4.manifest.json'));
  });
});

const record = (version: number): IndexBuild => ({
  index: 'dev.docs.kb',
  version,
  source: { path: '/corpus.jsonl', kind: 'jsonl' },
  manifest: { a: 'hash-a', "b'c": 'hash-b' },
  chunker: { strategy: 'recursive', size: 1000, overlap: 100 },
  embedder: { provider: 'hash', model: 'hash-v2', dimensions: 1024 },
  full: true,
  counts: {
    documents: { added: 2, changed: 0, removed: 0, unchanged: 0 },
    chunks: { embedded: 2, deleted: 0, total: 2 },
  },
  warnings: [],
  durationMs: 5,
  gitCommit: null,
  createdAt: new Date(0).toISOString(),
});

describe('build records on disk', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'ragops-build-record-'));
  });
  afterEach(async () => rm(home, { recursive: true, force: true }));

  it('keeps the manifest in its own file: a query reads the record without it, getIndexBuild with it', async () => {
    await writeBuildRecord(home, record(3));
    expect((await readdir(indexPaths(home, 'dev.docs.kb').builds)).sort()).toEqual(['3.json', '3.manifest.json']);
    const small = await getIndexBuildWithoutManifest(home, 'dev.docs.kb', 3);
    expect(small).not.toHaveProperty('manifest');
    expect(small.embedder).toEqual(record(3).embedder);
    expect(await getIndexBuild(home, 'dev.docs.kb', 3)).toEqual(record(3));
    expect(await listIndexBuilds(home, 'dev.docs.kb')).toEqual([record(3)]);
  });

  it('reads records written before the split, with the manifest inline', async () => {
    const paths = indexPaths(home, 'dev.docs.kb');
    await mkdir(paths.builds, { recursive: true });
    await writeFile(join(paths.builds, '5.json'), JSON.stringify(record(5)));
    expect(await getIndexBuild(home, 'dev.docs.kb', 5)).toEqual(record(5));
    expect((await getIndexBuildWithoutManifest(home, 'dev.docs.kb', 5)).version).toBe(5);
  });

  it('a manifest of non-string hashes is refused naming the file (as any record that fails its schema)', async () => {
    const paths = indexPaths(home, 'dev.docs.kb');
    await writeBuildRecord(home, record(6));
    await writeFile(join(paths.builds, '6.manifest.json'), JSON.stringify({ a: 1 }));
    const error = await getIndexBuild(home, 'dev.docs.kb', 6).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_input' });
    expect((error as Error).message).toContain('6.manifest.json');
  });
});
