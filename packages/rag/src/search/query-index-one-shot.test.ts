// A one-shot query (the CLI: one process, one question) must not read and decode the whole table
// into the resident copy that long-lived processes keep; it searches through LanceDB alone.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../build/build-index.ts';
import { RESIDENT_CONFIG, residentChunkBytes } from '../index/lancedb/resident-chunks.ts';
import { closeIndexReaders } from './index-reader-cache.ts';
import { queryIndex } from './query-index.ts';

// Enough chunks that a resident copy is megabytes, still under RESIDENT_CONFIG.rowsBelow, so the
// default path would load it: the test can only pass if the one-shot path really skips it.
const DOCUMENTS = 3000;
let dir: string;
const NAME = 'dev.test.big';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-one-shot-'));
  const lines = Array.from({ length: DOCUMENTS }, (_, i) =>
    JSON.stringify({ id: `doc-${i}`, text: `Document ${i} talks about marker${i} and topic ${i % 31}.` }),
  );
  await writeFile(join(dir, 'corpus.jsonl'), `${lines.join('\n')}\n`);
  await buildIndex({
    home: join(dir, 'home'),
    name: NAME,
    source: join(dir, 'corpus.jsonl'),
    embedder: { provider: 'hash', model: 'hash-v2', dimensions: 256 },
  });
}, 180_000);
afterAll(async () => {
  await closeIndexReaders();
  await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

describe('queryIndex resident: false (one-shot)', () => {
  it('finds the answer in every mode without loading the resident copy; the default path loads it', async () => {
    expect(DOCUMENTS).toBeLessThan(RESIDENT_CONFIG.denseRowsBelow);
    const home = join(dir, 'home');
    for (const mode of ['vector', 'fts', 'hybrid'] as const) {
      const result = await queryIndex({ home, name: NAME, text: 'marker1234', k: 3, mode, resident: false });
      expect(result.hits[0]?.documentId, mode).toBe('doc-1234');
    }
    expect(residentChunkBytes()).toBe(0);

    const served = await queryIndex({ home, name: NAME, text: 'marker1234', k: 3, mode: 'vector' });
    expect(served.hits[0]?.documentId).toBe('doc-1234');
    // The counter sees a resident copy when there is one (sparse columns for hashed vectors: a few
    // bytes per non-zero value, not 4 × dims per chunk).
    expect(residentChunkBytes()).toBeGreaterThan(DOCUMENTS * 8);
  }, 120_000);
});
