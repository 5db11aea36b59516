// An incremental build (only changed, added and removed documents re-chunked, re-embedded and
// deleted; the diff comes from the last build's manifest, no table scan) must leave exactly the table
// a full build of the same corpus makes: same rows, same text, same vectors.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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

async function tableRows(home: string): Promise<Record<string, unknown>[]> {
  const db = await lancedb.connect(indexPaths(home, NAME).lance);
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
});
