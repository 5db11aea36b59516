import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '@ragops/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HashEmbedder } from '../../embed/hash-embedder.ts';
import type { ChunkRow, IndexHit, SearchFilter, VectorIndex } from '../vector-index.ts';
import { openVectorIndex } from './lancedb-vector-index.ts';
import { RESIDENT_CONFIG, ResidentChunks, residentChunkBytes, residentVersions } from './resident-chunks.ts';
import { SPARSE_BLOCK_ROWS } from './sparse-columns.ts';

const DIMS = 48;
const ROWS = 400;
const WORDS = ['apple', 'banana', 'cherry', 'delta', 'echo', 'fig', 'grape', 'harbor', 'iris', 'jade', 'kiwi'];

const rand = seededRandom(7);
const vector = () => Array.from({ length: DIMS }, () => rand() * 2 - 1); // not unit length: cosine must normalise

const rows: ChunkRow[] = Array.from({ length: ROWS }, (_, i) => {
  const text = Array.from({ length: 6 }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
  return {
    chunkId: `d${i % 100}#${Math.floor(i / 100)}`,
    documentId: `d${i % 100}`,
    documentHash: `h${i % 100}`,
    ...(i % 3 !== 0 && { title: `Title ${i}` }),
    headingPath: i % 2 === 0 ? ['Top', `Sub ${i}`] : [],
    position: Math.floor(i / 100),
    startChar: i,
    endChar: i + text.length,
    text,
    indexText: `${text} row${i}`,
    metadata: { lang: i % 2 === 0 ? 'en' : 'fr', year: 2020 + (i % 4), tag: i % 5 === 0 ? 'x,y' : 'z' },
    vector: vector(),
  };
});

let dir: string;
let writer: VectorIndex;
let reader: VectorIndex;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-resident-'));
  writer = await openVectorIndex({ uri: dir });
  await writer.add(rows.slice(0, 250));
  await writer.add(rows.slice(250)); // two fragments: the resident copy must join them in order
  await writer.createOrRefreshIndexes();
  reader = await openVectorIndex({ uri: dir });
  await reader.checkout(await writer.version());
});
afterAll(async () => {
  reader.close();
  writer.close();
  await rm(dir, { recursive: true, force: true });
});

const ids = (hits: IndexHit[]) => hits.map((h) => h.chunkId);

describe('resident chunks (a pinned version searched from memory)', () => {
  it('returns the same top-k, scores and hit fields as LanceDB flat cosine search', async () => {
    for (let q = 0; q < 25; q++) {
      const query = vector();
      const fromMemory = await reader.searchVector(query, { k: 10 });
      const fromLance = await reader.searchVector(query, { k: 10, exact: true });
      expect(ids(fromMemory)).toEqual(ids(fromLance));
      fromMemory.forEach((h, i) => {
        expect(h.score).toBeCloseTo(fromLance[i]!.score, 5);
        expect({ ...h, score: 0 }).toEqual({ ...fromLance[i]!, score: 0 });
      });
    }
    expect(residentChunkBytes()).toBeGreaterThanOrEqual(ROWS * DIMS * 4);
  });

  it('agrees with LanceDB on sparse (hash) query vectors, k larger than the table, and filters', async () => {
    const embedder = new HashEmbedder({ dimensions: DIMS });
    const sparse = Array.from(embedder.embedOne('cherry harbor'));
    expect(ids(await reader.searchVector(sparse, { k: 10 }))).toEqual(
      ids(await reader.searchVector(sparse, { k: 10, exact: true })),
    );
    const all = await reader.searchVector(vector(), { k: ROWS + 50 });
    expect(all).toHaveLength(ROWS);
    expect(new Set(ids(all)).size).toBe(ROWS);

    const query = vector();
    const filters: SearchFilter[] = [
      { documentIds: ['d3', 'd17', 'd42'] },
      { metadata: { lang: 'fr', year: 2021 } },
      { metadata: { tag: 'x,y' } },
      { documentIds: ['d4', 'd5'], metadata: { lang: 'en' } },
      { documentIds: [] },
    ];
    for (const filter of filters) {
      const fromMemory = await reader.searchVector(query, { k: 8, filter });
      const fromLance = await reader.searchVector(query, { k: 8, exact: true, filter });
      expect(ids(fromMemory)).toEqual(ids(fromLance));
    }
  });

  it('leaves dense tables at or over the row threshold to LanceDB, and frees memory on close', async () => {
    const held = residentChunkBytes();
    const saved = RESIDENT_CONFIG.denseRowsBelow;
    RESIDENT_CONFIG.denseRowsBelow = ROWS;
    const big = await openVectorIndex({ uri: dir });
    try {
      await big.checkout(await writer.version());
      const query = vector();
      expect(ids(await big.searchVector(query, { k: 5 }))).toEqual(ids(await reader.searchVector(query, { k: 5 })));
      expect(residentChunkBytes()).toBe(held); // searched by LanceDB, nothing loaded
    } finally {
      RESIDENT_CONFIG.denseRowsBelow = saved;
      big.close();
    }
    const small = await openVectorIndex({ uri: dir });
    await small.checkout(await writer.version());
    await small.searchVector(vector(), { k: 1 });
    expect(residentChunkBytes()).toBeGreaterThan(held);
    small.close();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(residentChunkBytes()).toBe(held);
  });

  it('answers a large version from LanceDB while its copy loads in the background, then from memory', async () => {
    const held = residentChunkBytes();
    const saved = RESIDENT_CONFIG.waitBelowRows;
    RESIDENT_CONFIG.waitBelowRows = 1; // every version counts as large here
    const large = await openVectorIndex({ uri: dir });
    try {
      await large.checkout(await writer.version());
      // A slow load (as 100k rows take seconds), held until released: queries must not wait for it.
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const load = ResidentChunks.load.bind(ResidentChunks);
      const slow = vi.spyOn(ResidentChunks, 'load').mockImplementation(async (...args) => {
        await gate;
        return load(...args);
      });
      const query = vector();
      const whileLoading = await large.searchVector(query, { k: 5 }); // would hang if it waited
      expect(ids(whileLoading)).toEqual(ids(await reader.searchVector(query, { k: 5, exact: true })));
      expect(residentChunkBytes()).toBe(held);
      release();
      slow.mockRestore();
      const queries = Array.from({ length: 5 }, () => vector());
      // The first answers come from wherever the copy is: LanceDB until it is in, identical either way.
      const first = await Promise.all(queries.map((q) => large.searchVector(q, { k: 5 })));
      // A token of one row: no ties, so LanceDB's FTS and the in-memory BM25 must agree exactly.
      const firstText = await large.searchText('row17 row123', { k: 5 });
      await vi.waitFor(() => expect(residentChunkBytes()).toBeGreaterThan(held), { timeout: 60_000, interval: 20 });
      for (const [i, q] of queries.entries()) {
        expect(ids(await large.searchVector(q, { k: 5 }))).toEqual(ids(first[i]!));
        expect(ids(first[i]!)).toEqual(ids(await reader.searchVector(q, { k: 5, exact: true })));
      }
      expect(ids(firstText).slice(0, 2).sort()).toEqual(['d17#0', 'd23#1']);
      await vi.waitFor(async () =>
        expect(ids(await large.searchText('row17 row123', { k: 5 }))).toEqual(ids(firstText)),
      );
    } finally {
      RESIDENT_CONFIG.waitBelowRows = saved;
      large.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(residentChunkBytes()).toBe(held);
  });

  it('serves full-text hits from memory identical to LanceDB reading them (ties at the cut aside)', async () => {
    // Six words from eleven: many chunks tie, and LanceDB orders ties by its own heap.
    const expectSame = (pinned: IndexHit[], latest: IndexHit[]) => {
      expect(pinned.length).toBe(latest.length);
      pinned.forEach((h, i) => {
        expect(h.score).toBeCloseTo(latest[i]!.score, 4);
      });
      const cut = latest.at(-1)!.score + 1e-4;
      const above = (hits: IndexHit[]) =>
        hits.filter((h) => h.score > cut).sort((a, b) => (a.chunkId < b.chunkId ? -1 : 1));
      expect(above(pinned)).toEqual(above(latest).map((h) => ({ ...h, score: expect.closeTo(h.score, 4) })));
    };
    for (const text of ['cherry harbor', 'row17', 'apple banana jade']) {
      const pinned = await reader.searchText(text, { k: 20 });
      const latest = await writer.searchText(text, { k: 20 }); // not pinned: LanceDB's FTS, every column
      expect(pinned.length).toBeGreaterThan(0);
      expectSame(pinned, latest);
    }
    const filter = { metadata: { lang: 'en' }, documentIds: ['d2', 'd4', 'd7'] };
    const filtered = await reader.searchText('apple cherry', { k: 20, filter });
    expectSame(filtered, await writer.searchText('apple cherry', { k: 20, filter }));
    expect(new Set(filtered.map((h) => h.documentId))).toEqual(new Set(['d2', 'd4']));
  });

  it('holds hashed vectors as sparse columns at any row count, ranking as LanceDB flat cosine does', async () => {
    // Past a block of rows and past the dense row threshold (lowered here): sparse columns stay resident.
    const embedder = new HashEmbedder({ dimensions: 256 });
    const hashedRows: ChunkRow[] = Array.from({ length: SPARSE_BLOCK_ROWS + 1500 }, (_, i) => {
      const text = Array.from(
        { length: 20 },
        () => `${WORDS[Math.floor(rand() * WORDS.length)]}${Math.floor(rand() * 40)}`,
      ).join(' ');
      return {
        ...rows[i % ROWS]!,
        chunkId: `h${i}`,
        documentId: `hd${i % 500}`,
        text,
        indexText: text,
        vector: Array.from(embedder.embedOne(text)),
      };
    });
    const hashedDir = await mkdtemp(join(tmpdir(), 'ragops-resident-sparse-'));
    const saved = RESIDENT_CONFIG.denseRowsBelow;
    RESIDENT_CONFIG.denseRowsBelow = 100;
    const hashedWriter = await openVectorIndex({ uri: hashedDir });
    await hashedWriter.add(hashedRows);
    const hashedReader = await openVectorIndex({ uri: hashedDir });
    try {
      await hashedReader.checkout(await hashedWriter.version());
      const before = residentVersions().sparse;
      const held = residentChunkBytes();
      const queries = [
        ...Array.from({ length: 12 }, () =>
          Array.from(
            embedder.embedOne(
              hashedRows[Math.floor(rand() * hashedRows.length)]!.text.split(' ').slice(3, 9).join(' '),
            ),
          ),
        ),
        Array.from({ length: 256 }, () => rand() * 2 - 1), // dense: every column is scanned
      ];
      for (const [q, query] of queries.entries()) {
        const filter = q % 4 === 3 ? { documentIds: ['hd7', 'hd77', 'hd123'], metadata: { lang: 'fr' } } : undefined;
        const fromMemory = await hashedReader.searchVector(query, { k: 10, filter });
        const fromLance = await hashedReader.searchVector(query, { k: 10, exact: true, filter });
        expect(fromMemory.length).toBeGreaterThan(0);
        expect(ids(fromMemory)).toEqual(ids(fromLance));
        fromMemory.forEach((h, i) => {
          expect(h.score).toBeCloseTo(fromLance[i]!.score, 5);
          expect({ ...h, score: 0 }).toEqual({ ...fromLance[i]!, score: 0 });
        });
      }
      expect(residentVersions().sparse).toBe(before + 1);
      expect(residentChunkBytes()).toBeGreaterThan(held);
    } finally {
      RESIDENT_CONFIG.denseRowsBelow = saved;
      hashedReader.close();
      hashedWriter.close();
      await rm(hashedDir, { recursive: true, force: true });
    }
  }, 120_000);
});
