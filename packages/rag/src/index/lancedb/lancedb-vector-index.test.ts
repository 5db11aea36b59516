import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChunkRow, VectorIndex } from '../vector-index.ts';
import { openVectorIndex } from './lancedb-vector-index.ts';

const row = (id: string, text: string, vector: number[], metadata: Record<string, unknown> = {}): ChunkRow => ({
  chunkId: `${id}#0`,
  documentId: id,
  documentHash: `hash-${id}`,
  title: `Title ${id}`,
  headingPath: ['A', 'B'],
  position: 0,
  startChar: 0,
  endChar: text.length,
  text,
  indexText: text,
  metadata,
  vector,
});

let dir: string;
let index: VectorIndex;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-vi-'));
  index = await openVectorIndex({ uri: dir });
});
afterEach(async () => {
  index.close();
  await rm(dir, { recursive: true, force: true });
});

describe('LanceDB VectorIndex', () => {
  it('adds, searches by vector and text, filters by document ids and metadata, deletes', async () => {
    expect(index.dimensions).toBeUndefined();
    await index.add([
      row('a', 'apples grow on trees', [1, 0, 0], { lang: 'en', year: 2024, public: true }),
      row('b', 'bananas are yellow', [0, 1, 0], { lang: 'fr', year: 2023, public: false }),
      row("c'q", 'cherries and apples', [0.9, 0.1, 0], { lang: 'en', year: 2023, note: '50%_off' }),
    ]);
    await index.createOrRefreshIndexes();
    expect(index.dimensions).toBe(3);
    const v = await index.searchVector([1, 0, 0], { k: 2 });
    expect(v.map((h) => h.documentId)).toEqual(['a', "c'q"]);
    expect(v[0]!.score).toBeCloseTo(1);
    expect(v[0]).toMatchObject({
      title: 'Title a',
      headingPath: ['A', 'B'],
      metadata: { lang: 'en', year: 2024, public: true },
    });
    const t = await index.searchText('apples', { k: 5 });
    expect(t.map((h) => h.documentId).sort()).toEqual(['a', "c'q"]);

    expect(
      (await index.searchText('apples', { k: 5, filter: { documentIds: ["c'q"] } })).map((h) => h.documentId),
    ).toEqual(["c'q"]);
    expect(
      (await index.searchVector([1, 0, 0], { k: 5, filter: { metadata: { lang: 'fr' } } })).map((h) => h.documentId),
    ).toEqual(['b']);
    expect(
      (await index.searchVector([1, 0, 0], { k: 5, filter: { metadata: { year: 2023, lang: 'en' } } })).map(
        (h) => h.documentId,
      ),
    ).toEqual(["c'q"]);
    expect(
      (await index.searchVector([1, 0, 0], { k: 5, filter: { metadata: { public: true } } })).map((h) => h.documentId),
    ).toEqual(['a']);
    expect(
      (await index.searchVector([1, 0, 0], { k: 5, filter: { metadata: { note: '50%_off' } } })).map(
        (h) => h.documentId,
      ),
    ).toEqual(["c'q"]);
    expect(await index.countRows({ documentIds: [] })).toBe(0);

    expect(await index.deleteByDocumentIds(['a', 'missing'])).toBe(1);
    expect(await index.countRows()).toBe(2);
  });

  it('keeps versions: checkout reads an old one, restore makes it latest, tags list and move', async () => {
    await index.add([row('a', 'first', [1, 0])]);
    const v1 = await index.version();
    await index.add([row('b', 'second', [0, 1])]);
    const v2 = await index.version();
    expect(v2).toBeGreaterThan(v1);
    await index.tagVersion('pin', v1);
    expect(await index.listTags()).toEqual({ pin: v1 });
    await index.tagVersion('pin', v2);
    expect(await index.listTags()).toEqual({ pin: v2 });
    expect((await index.listVersions()).find((v) => v.version === v2)!.tags).toEqual(['pin']);
    await index.untagVersion('pin');
    expect(await index.listTags()).toEqual({});

    const reader = await openVectorIndex({ uri: dir });
    await reader.checkout(v1);
    expect(await reader.countRows()).toBe(1);
    await expect(reader.checkout(999)).rejects.toMatchObject({ code: 'not_found' });
    reader.close();

    await index.restore(v1);
    expect(await index.version()).toBeGreaterThan(v2);
    expect(await index.countRows()).toBe(1);
    const before = await index.version();
    await index.touch();
    expect(await index.version()).toBe(before + 1);
    expect(await index.countRows()).toBe(1);
  });
});
