import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIndex, closeIndexReaders, defaultEmbedderConfig, queryIndex } from '@ragops/rag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusLines } from './index-cli-helpers.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-index-fts-'));
});
afterAll(async () => {
  await closeIndexReaders();
  await rm(dir, { recursive: true, force: true });
});

// LanceDB 0.31 deadlocked building a full-text index over more than ~9k rows (see the workaround in
// lancedb-vector-index.ts); a regression shows up here as a test timeout.
describe('full-text index over more rows than one LanceDB posting batch', () => {
  it('builds 12k chunks and finds the last document by a unique word', async () => {
    const source = join(dir, 'corpus.jsonl');
    await writeFile(source, corpusLines(12_000));
    const home = join(dir, 'home');
    const build = await buildIndex({
      home,
      name: 'dev.docs.large',
      source,
      embedder: { ...defaultEmbedderConfig(), dimensions: 32 },
    });
    expect(build.counts.chunks.total).toBe(12_000);
    const { hits } = await queryIndex({ home, name: 'dev.docs.large', text: 'marker11999', mode: 'fts', k: 1 });
    expect(hits[0]!.documentId).toBe('doc-11999');
  }, 120_000);
});
