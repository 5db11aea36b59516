// The ANN index a build makes (ANN_CONFIG) must find what exact search finds: recall@10 against
// LanceDB's flat search, on a seeded corpus just big enough for the index to be built. A floor, not
// the bench's number (bench:index measures 100k rows × 1024 dims); no timing asserted. Measured: 0.96
// with the default refine step, 0.38 without it (refineFactor 1), so the floor catches a lost refine.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom as rng } from '@ragops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../build/build-index.ts';
import { indexPaths } from '../../build/index-paths.ts';
import { HashEmbedder } from '../../embed/hash-embedder.ts';
import { ANN_CONFIG } from './ann-config.ts';
import { openVectorIndex } from './lancedb-vector-index.ts';

const NAME = 'dev.test.ann';
const DIMENSIONS = 256;
const QUERIES = 30;
const RECALL_FLOOR = 0.9;

// Zipf-like pseudo-words, as bench/index-build.ts: realistic term statistics for hashed features.
const VOCAB = Array.from({ length: 5000 }, (_, i) => {
  const r = rng(i + 1);
  return Array.from({ length: 3 + Math.floor(r() * 6) }, () => String.fromCharCode(97 + Math.floor(r() * 26))).join('');
});
const docText = (i: number) => {
  const r = rng(i * 7919 + 1);
  return Array.from({ length: 30 }, () => VOCAB[Math.floor(Math.exp(r() * Math.log(VOCAB.length))) - 1]).join(' ');
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-ann-'));
  const lines = Array.from({ length: ANN_CONFIG.minRows }, (_, i) => JSON.stringify({ id: `d${i}`, text: docText(i) }));
  await writeFile(join(dir, 'corpus.jsonl'), `${lines.join('\n')}\n`);
  await buildIndex({
    home: dir,
    name: NAME,
    source: join(dir, 'corpus.jsonl'),
    embedder: { provider: 'hash', model: 'hash-v2', dimensions: DIMENSIONS },
  });
}, 300_000);
afterAll(async () => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));

describe('ANN index', () => {
  it(`recall@10 against exact search is at least ${RECALL_FLOOR} at ${ANN_CONFIG.minRows} rows`, async () => {
    const index = await openVectorIndex({ uri: indexPaths(dir, NAME).lance });
    try {
      expect((await index.createOrRefreshIndexes()).ann).toBe('kept'); // the build made it
      const embedder = new HashEmbedder({ dimensions: DIMENSIONS });
      let found = 0;
      for (let q = 0; q < QUERIES; q++) {
        const words = docText(Math.floor(rng(q + 9)() * ANN_CONFIG.minRows)).split(' ');
        const vector = embedder.embedOne(words.slice(q % 20, (q % 20) + 8).join(' '));
        const exact = await index.searchVector(vector, { k: 10, exact: true });
        const ann = await index.searchVector(vector, { k: 10 });
        expect(exact).toHaveLength(10);
        const truth = new Set(exact.map((h) => h.chunkId));
        found += ann.filter((h) => truth.has(h.chunkId)).length;
      }
      expect(found / (QUERIES * 10)).toBeGreaterThanOrEqual(RECALL_FLOOR);
    } finally {
      index.close();
    }
  }, 300_000);
});
