import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinySentenceModel } from '@ragops/rag/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './index-cli-helpers.ts';

// The real `ragops` binary with a local ONNX model (generated for the test): flags → build record
// with the folder's hash → vector query through the same model; a folder that is not a model is a
// usage error naming the missing file.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-index-transformers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ragops index with the transformers embedder', () => {
  it('builds with --embedder transformers --model-path, records the model hash, queries through it', async () => {
    const home = join(dir, 'home');
    const model = await writeTinySentenceModel(join(dir, 'tiny-model'));
    const file = join(dir, 'docs.jsonl');
    const docs = ['how do i rotate the api keys', 'a vector query searches each chunk', 'what is the index'];
    await writeFile(file, docs.map((text, i) => JSON.stringify({ id: `d${i}`, text })).join('\n'));
    const flags = ['--embedder', 'transformers', '--embedding-model', 'tiny', '--dimensions', '16'];
    const built = await runCli(
      ['--json', 'index', 'build', 'dev.docs.local', '--source', file, ...flags, '--model-path', model.path],
      home,
    );
    expect(built.code, built.stderr).toBe(0);
    const record = JSON.parse(built.stdout);
    expect(record.counts.chunks.embedded).toBe(3);
    expect(record.embedder).toMatchObject({ provider: 'transformers', model: 'tiny', path: model.path });
    expect(record.embedder.sha256).toMatch(/^[0-9a-f]{64}$/);

    const q = await runCli(
      ['--json', 'index', 'query', 'dev.docs.local', docs[1]!, '--mode', 'vector', '--k', '1'],
      home,
    );
    expect(q.code, q.stderr).toBe(0);
    expect(JSON.parse(q.stdout).hits[0].documentId).toBe('d1'); // mean-pooled bag of embeddings: itself is nearest

    const missing = await runCli(
      ['index', 'build', 'dev.docs.other', '--source', file, ...flags, '--model-path', join(dir, 'no-model')],
      home,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no-model has no config\.json/);
  }, 180_000);
});
