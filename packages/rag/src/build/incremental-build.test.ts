// An incremental build (only changed, added and removed documents re-chunked, re-embedded and
// deleted; the diff comes from the last build's manifest, no table scan) must leave exactly the table
// a full build of the same corpus makes: same rows, same text, same vectors.
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { seededRandom as rng } from '@ragops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HIT_COLUMNS } from '../index/lancedb/chunk-arrow.ts';
import { buildIndex, rebuildIndex } from './build-index.ts';
import { indexPaths } from './index-paths.ts';

const DOCUMENTS = 600;
const NAME = 'dev.test.incremental';
const EMBEDDER = { provider: 'hash', model: 'hash-v2', dimensions: 64 } as const;

const WORDS = ['index', 'vector', 'chunk', 'build', 'query', 'alias', 'manifest', 'lance', 'token', 'shard'];
/** ~1,500 characters, so a document is two chunks at the default chunk size. */
const text = (i: number, generation: number) => {
  const r = rng(i * 31 + generation * 7919);
  return Array.from({ length: 220 }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ');
};
const corpus = (ids: readonly number[], changed: ReadonlySet<number>) =>
  `${ids.map((i) => JSON.stringify({ id: `d${i}`, title: `Doc ${i}`, text: text(i, changed.has(i) ? 2 : 1) })).join('\n')}\n`;

async function tableRows(home: string, name = NAME): Promise<Record<string, unknown>[]> {
  const db = await lancedb.connect(indexPaths(home, name).lance);
  const table = await db.openTable('chunks');
  try {
    const rows = await table
      .query()
      .select([...HIT_COLUMNS, 'vector'])
      .toArray();
    return rows
      .map((r) => ({ ...r, vector: Array.from(r.vector as ArrayLike<number>) }))
      .sort((a, b) => (a.chunk_id < b.chunk_id ? -1 : 1));
  } finally {
    table.close();
    db.close();
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-incremental-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));

describe('incremental build', () => {
  it('after 1% changed, some added and some removed, the table equals a full build of the new corpus', async () => {
    const r = rng(42);
    const changed = new Set<number>();
    while (changed.size < DOCUMENTS / 100) changed.add(Math.floor(r() * DOCUMENTS));
    const before = Array.from({ length: DOCUMENTS }, (_, i) => i);
    // Removed: three documents; added: three new ids past the end.
    const after = [...before.filter((i) => i % 200 !== 7), DOCUMENTS, DOCUMENTS + 1, DOCUMENTS + 2];

    const source = join(dir, 'corpus.jsonl');
    const incremental = join(dir, 'incremental');
    await writeFile(source, corpus(before, new Set()));
    await buildIndex({ home: incremental, name: NAME, source, embedder: EMBEDDER, batchChunks: 256 });
    await writeFile(source, corpus(after, changed));
    const rebuilt = await rebuildIndex({ home: incremental, name: NAME, batchChunks: 256 });
    const changedKept = [...changed].filter((i) => after.includes(i)).length;
    expect(rebuilt.full).toBe(false);
    expect(rebuilt.counts.documents).toEqual({
      added: 3,
      changed: changedKept,
      removed: 3,
      unchanged: after.length - 3 - changedKept,
    });

    const full = join(dir, 'full');
    const fullSource = join(dir, 'corpus-full.jsonl');
    await writeFile(fullSource, corpus(after, changed));
    const fresh = await buildIndex({ home: full, name: NAME, source: fullSource, embedder: EMBEDDER });

    const got = await tableRows(incremental);
    const want = await tableRows(full);
    expect(got.length).toBe(fresh.counts.chunks.total);
    expect(got.length).toBeGreaterThan(after.length); // two chunks a document: the batches really split
    expect(got).toEqual(want);
  }, 180_000);

  it('a source cache left by another build is ignored: lines changed and changed back are read again', async () => {
    // Build A (generation 1), build B (1% at generation 2), then A's source-cache.json put back and
    // the corpus back at generation 1. Taken at its word, A's cache maps those lines to their ids and
    // B's manifest to B's hashes: the rebuild would keep B's rows and differ from a full build.
    const ids = Array.from({ length: 200 }, (_, i) => i);
    const changed = new Set([3, 50, 120]);
    const home = join(dir, 'stale');
    const source = join(dir, 'stale.jsonl');
    const paths = indexPaths(home, NAME);
    await writeFile(source, corpus(ids, new Set()));
    const a = await buildIndex({ home, name: NAME, source, embedder: EMBEDDER });
    await copyFile(paths.sourceCache, join(dir, 'cache-a.json'));
    expect(JSON.parse(await readFile(paths.sourceCache, 'utf8')).build).toBe(a.version);
    await writeFile(source, corpus(ids, changed));
    const b = await rebuildIndex({ home, name: NAME });
    expect(b.counts.documents.changed).toBe(3);
    expect(JSON.parse(await readFile(paths.sourceCache, 'utf8')).build).toBe(b.version);

    await copyFile(join(dir, 'cache-a.json'), paths.sourceCache);
    await writeFile(source, corpus(ids, new Set()));
    const c = await rebuildIndex({ home, name: NAME });
    expect(c.counts.documents).toEqual({ added: 0, changed: 3, removed: 0, unchanged: 197 });
    const fullHome = join(dir, 'stale-full');
    await buildIndex({ home: fullHome, name: NAME, source, embedder: EMBEDDER });
    expect(await tableRows(home)).toEqual(await tableRows(fullHome));
  }, 180_000);

  it('a folder source: files unchanged on stat are not read, and the table equals a full build', async () => {
    const root = join(dir, 'folder');
    await mkdir(join(root, 'guides'), { recursive: true });
    const old = new Date(Date.now() - 60_000);
    const file = (i: number) => join(root, i % 2 ? 'guides' : '', `doc-${i}.md`);
    const write = async (i: number, body: string) => {
      await writeFile(file(i), `# Doc ${i}\n\n${body}\n`);
      await utimes(file(i), old, old);
    };
    for (let i = 0; i < 40; i++) await write(i, text(i, 1));
    const home = join(dir, 'folder-home');
    const name = 'dev.test.folder';
    await buildIndex({ home, name, source: root, embedder: EMBEDDER, batchChunks: 16 });

    // doc-5: same size, other bytes, old mtime put back (only the ctime shows it); doc-6: other
    // text; doc-7 removed; doc-40 added.
    await write(5, text(5, 1).replace('index', 'INDEX'));
    await write(6, text(6, 2));
    await rm(file(7));
    await write(40, text(40, 1));
    const rebuilt = await rebuildIndex({ home, name, batchChunks: 16 });
    expect(rebuilt.counts.documents).toEqual({ added: 1, changed: 2, removed: 1, unchanged: 37 });

    const copy = join(dir, 'folder-copy');
    await cp(root, copy, { recursive: true });
    const fullHome = join(dir, 'folder-full');
    await buildIndex({ home: fullHome, name, source: copy, embedder: EMBEDDER });
    expect(await tableRows(home, name)).toEqual(await tableRows(fullHome, name));
  }, 180_000);

  it('ids that are Object.prototype names are documents like any other through the updated manifest', async () => {
    const home = join(dir, 'proto');
    const source = join(dir, 'proto.jsonl');
    const line = (id: string, t: string) => JSON.stringify({ id, text: t });
    await writeFile(source, `${[line('a', 'alpha'), line('b', 'beta')].join('\n')}\n`);
    await buildIndex({ home, name: NAME, source, embedder: EMBEDDER });
    const odd = [line('__proto__', 'proto text'), line('constructor', 'constructor text'), line('toString', 'ts')];
    await writeFile(source, `${[line('a', 'alpha'), line('b', 'beta'), ...odd].join('\n')}\n`);
    const added = await rebuildIndex({ home, name: NAME });
    expect(added.counts.documents).toEqual({ added: 3, changed: 0, removed: 0, unchanged: 2 });
    expect(Object.keys(added.manifest).sort()).toEqual(['__proto__', 'a', 'b', 'constructor', 'toString']);
    const again = await rebuildIndex({ home, name: NAME });
    expect(again.counts.documents).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 5 });
    await writeFile(source, `${line('a', 'alpha')}\n`);
    const removed = await rebuildIndex({ home, name: NAME });
    expect(removed.counts.documents).toEqual({ added: 0, changed: 0, removed: 4, unchanged: 1 });
    expect(removed.counts.chunks.total).toBe(1);
  }, 180_000);
});
