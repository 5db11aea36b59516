import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../build/build-index.ts';
import { openVectorIndex } from '../index/lancedb/lancedb-vector-index.ts';
import type { ChunkRow, IndexHit, SearchFilter, VectorIndex } from '../index/vector-index.ts';
import { ftsTerms } from './fts-analyzer.ts';

const DOCS = resolve(import.meta.dirname, '../../../../docs');

/** A pinned version opened twice: text search in memory (resident) and through LanceDB's FTS index. */
async function openBoth(uri: string): Promise<{ memory: VectorIndex; lance: VectorIndex; close(): void }> {
  const memory = await openVectorIndex({ uri, resident: true });
  const lance = await openVectorIndex({ uri, resident: false });
  const version = await memory.version();
  await memory.checkout(version);
  await lance.checkout(version);
  return {
    memory,
    lance,
    close: () => {
      memory.close();
      lance.close();
    },
  };
}

/**
 * Same top-k: scores equal position by position (float32 rounding aside) and the same chunks above
 * the k-th score; only the order among chunks tied at the cut may differ.
 */
function expectSameTopK(memory: IndexHit[], lance: IndexHit[], query: string): void {
  expect(memory.length, query).toBe(lance.length);
  memory.forEach((h, i) => {
    expect(h.score, `${query} #${i}`).toBeCloseTo(lance[i]!.score, 4);
  });
  const cut = lance.at(-1)?.score ?? 0;
  const above = (hits: IndexHit[]) =>
    hits
      .filter((h) => h.score > cut + 1e-4)
      .map((h) => h.chunkId)
      .sort();
  expect(above(memory), query).toEqual(above(lance));
}

describe('in-memory BM25 against LanceDB full-text search', () => {
  let home: string;
  let both: Awaited<ReturnType<typeof openBoth>>;
  let queries: string[];
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'ragops-bm25-'));
    await buildIndex({ home, name: 'dev.docs.kb', source: DOCS });
    both = await openBoth(join(home, 'indexes', 'dev.docs.kb', 'lance'));
    // Every heading of the docs as a query, plus questions phrased as users ask them.
    const headings: string[] = [];
    for (const file of await readdir(DOCS)) {
      const text = await readFile(join(DOCS, file), 'utf8');
      for (const m of text.matchAll(/^#{1,4} (.+)$/gm)) headings.push(m[1]!);
    }
    queries = [
      ...headings,
      'How do I rotate an API token?',
      'What happens when the inference log is full and requests keep coming?',
      "Can't promote a model: the gate says it regressed. Why?",
      'hybrid retrieval weights BM25 vectors fusion',
      'the of and is',
    ];
  }, 120_000);
  afterAll(async () => {
    both?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('ranks and scores the docs corpus as LanceDB does, for every heading and question', async () => {
    expect(queries.length).toBeGreaterThan(40);
    for (const query of queries) {
      for (const k of [5, 50]) {
        expectSameTopK(await both.memory.searchText(query, { k }), await both.lance.searchText(query, { k }), query);
      }
    }
  });

  it('applies filters before ranking, as LanceDB prefilters', async () => {
    const [first] = await both.lance.searchText('serving endpoints', { k: 1 });
    const filter: SearchFilter = { documentIds: [first!.documentId] };
    for (const query of ['serving endpoints', 'traffic split shadow', 'metrics']) {
      const memory = await both.memory.searchText(query, { k: 10, filter });
      expect(memory.every((h) => h.documentId === first!.documentId)).toBe(true);
      expectSameTopK(memory, await both.lance.searchText(query, { k: 10, filter }), query);
    }
  });

  it('returns whole hits like the LanceDB path (same fields; fresh objects whose shared parts are frozen)', async () => {
    const [a] = await both.memory.searchText('promotion gate', { k: 1 });
    const [b] = await both.lance.searchText('promotion gate', { k: 1 });
    expect({ ...a!, score: 0 }).toEqual({ ...b!, score: 0 });
    a!.score = -1;
    a!.text = 'changed';
    expect(() => (a!.headingPath as string[]).push('changed')).toThrow(TypeError);
    expect(() => {
      (a!.metadata as Record<string, unknown>).changed = true;
    }).toThrow(TypeError);
    const [again] = await both.memory.searchText('promotion gate', { k: 1 });
    expect({ ...again!, score: 0 }).toEqual({ ...b!, score: 0 });
    expect(again!.score).toBe(b!.score);
  });
});

describe('full-text analysis edge cases against LanceDB', () => {
  // Words where a naive analysis would part from LanceDB's: digits 3 (the stemmer's y marker),
  // accents folded after stemming, stop words removed after stemming, tokens of 40+ bytes, punctuation.
  const TEXTS = [
    'GPT3 was released in 2023; gpt-3.5 models run 33 tasks',
    'The café in Straße serves naïve crème brûlée to Ærøskøbing visitors',
    'running runs runner ran easily easier generously happiness',
    'these are such things that this is not what they will be',
    `${'x'.repeat(39)} ${'y'.repeat(40)} ${'é'.repeat(20)} ${'é'.repeat(19)}z short`,
    'snake_case camelCase kebab-case dotted.name path/to/file.md v1.2.3',
    'Ünïcödé ΑΘΗΝΑ Москва 東京 emoji🙂done',
    'does doing done did agreed agreement feed fed news',
    'gpty 202y cafe strasse: the plain spellings a wrong analysis would merge or split',
  ];
  // Other spellings of the words above: they match only through the same stemming and folding.
  const VARIANTS = ['Cafe', 'CAFÉ', 'strasse', 'creme brulee', 'naive', 'aeroskobing', 'run', 'happy', 'agree', 'gpt3'];
  let dir: string;
  let both: Awaited<ReturnType<typeof openBoth>>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ragops-fts-edge-'));
    const writer = await openVectorIndex({ uri: dir });
    const rows: ChunkRow[] = TEXTS.flatMap((text, i) =>
      [0, 1, 2].map((copy) => ({
        chunkId: `d${i}#${copy}`,
        documentId: `d${i}`,
        documentHash: `h${i}`,
        headingPath: [],
        position: copy,
        startChar: 0,
        endChar: text.length,
        text,
        indexText: copy === 0 ? text : `${text} filler words ${'pad '.repeat(copy * 3)}`,
        metadata: {},
        vector: [1, i, copy],
      })),
    );
    await writer.add(rows);
    await writer.createOrRefreshIndexes();
    writer.close();
    both = await openBoth(dir);
  }, 60_000);
  afterAll(async () => {
    both?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds and scores each word of the texts as LanceDB does', async () => {
    const words = [...new Set(TEXTS.flatMap((t) => t.split(/\s+/)))];
    expect(words.length).toBeGreaterThan(60);
    for (const word of [...words, ...VARIANTS, ...TEXTS]) {
      expectSameTopK(await both.memory.searchText(word, { k: 30 }), await both.lance.searchText(word, { k: 30 }), word);
    }
  });

  it('analyses as documented', () => {
    expect(ftsTerms('How does prompt caching work?')).toEqual(['how', 'doe', 'prompt', 'cach', 'work']);
    expect(ftsTerms('GPT3 in 2023')).toEqual(['gpt3', '2023']);
    expect(ftsTerms('Crème brûlée')).toEqual(['creme', 'brulee']);
    expect(ftsTerms(`${'a'.repeat(40)} ok`)).toEqual(['ok']);
  });
});
