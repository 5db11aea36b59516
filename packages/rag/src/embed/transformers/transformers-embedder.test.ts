import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@ragops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TinySentenceModel, writeTinySentenceModel } from '../../test/tiny-models/write-tiny-sentence-model.ts';
import { createEmbedder } from '../create-embedder.ts';
import { embedMany } from '../embed-many.ts';
import { resolveEmbedderConfig } from '../resolve-embedder-config.ts';
import { TransformersEmbedder } from './transformers-embedder.ts';

let dir: string;
let model: TinySentenceModel;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-transformers-'));
  model = await writeTinySentenceModel(join(dir, 'tiny'), { dimensions: 16 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What the model must return for these WordPiece tokens: their rows averaged, then L2-normalised. */
function expectedVector(tokens: readonly string[]): number[] {
  const sum = new Array<number>(model.dimensions).fill(0);
  for (const t of tokens) {
    const id = model.vocab.get(t);
    if (id === undefined) throw new Error(`not in the test vocabulary: ${t}`);
    model.embeddingOf(id).forEach((v, i) => {
      sum[i]! += v / tokens.length;
    });
  }
  const norm = Math.hypot(...sum);
  return sum.map((v) => v / norm);
}

function expectClose(actual: readonly number[], expected: readonly number[]) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => {
    expect(v).toBeCloseTo(expected[i]!, 5);
  });
}

describe('TransformersEmbedder', () => {
  it('tokenizes with the folder’s WordPiece tokenizer and mean-pools over the attention mask', async () => {
    const embedder = new TransformersEmbedder({ model: 'tiny', path: model.path, dimensions: 16, maxBatchSize: 2 });
    // Batches of 2: the short text is padded to the long one's length in its batch, and the [PAD]
    // rows must not count in its mean.
    const texts = ['Index keys, embedding?', 'How do I rotate the API keys of a vector index?', 'the index'];
    const { embeddings } = await embedMany({ embedder, values: texts });
    expect(embeddings).toHaveLength(3);
    // "embedding" → embed ##d ##ing: greedy longest-match WordPiece, lower-cased by the BertNormalizer.
    expectClose(embeddings[0]!, expectedVector(['[CLS]', 'index', 'keys', ',', 'embed', '##d', '##ing', '?', '[SEP]']));
    expectClose(embeddings[2]!, expectedVector(['[CLS]', 'the', 'index', '[SEP]']));
    const alone = await embedder.doEmbed({ values: ['the index'] });
    expectClose(alone.embeddings[0]!, embeddings[2]!);
    for (const e of embeddings) expect(Math.hypot(...e)).toBeCloseTo(1, 5);
  });

  it('records the folder hash as its identity, and refuses a folder that changed since', async () => {
    const folder = join(dir, 'changing');
    await writeTinySentenceModel(folder, { seed: 1 });
    const config = await resolveEmbedderConfig({
      provider: 'transformers',
      model: 'tiny',
      dimensions: 16,
      path: folder,
    });
    expect(config.sha256).toMatch(/^[0-9a-f]{64}$/);
    const embedder = createEmbedder(config);
    expect(embedder.modelId).toBe(`tiny@${config.sha256!.slice(0, 16)}`);
    await writeTinySentenceModel(folder, { seed: 2 }); // same files, other weights
    await expect(createEmbedder(config).doEmbed({ values: ['keys'] })).rejects.toThrow(
      /model folder .*changing changed since the index was embedded with it .*rebuild the index with --full/,
    );
    await expect(resolveEmbedderConfig(config)).rejects.toThrow(/not the sha256 .* the embedder config pins/);
  });

  it('loads only from disk: a model name that is not a local folder fails without a download', async () => {
    const embedder = createEmbedder({
      provider: 'transformers',
      model: 'all-MiniLM-L6-v2',
      dimensions: 384,
      path: join(dir, 'Xenova', 'all-MiniLM-L6-v2'),
    });
    const error = await embedder.doEmbed({ values: ['hello'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /all-MiniLM-L6-v2 has no config\.json, tokenizer\.json, tokenizer_config\.json, onnx\/model\.onnx: point path at a folder/,
    );
  });

  it('refuses a dimensions setting the model does not emit, naming the right one', async () => {
    const embedder = createEmbedder({ provider: 'transformers', model: 'tiny', dimensions: 384, path: model.path });
    await expect(embedder.doEmbed({ values: ['keys'] })).rejects.toThrow(
      /emits 16-dimensional vectors, not 384: set dimensions: 16/,
    );
  });

  it('validates its config: a path is required, and is refused for other providers', () => {
    expect(() => createEmbedder({ provider: 'transformers', model: 'tiny', dimensions: 16 })).toThrow(
      /path: transformers needs the path of a local model folder/,
    );
    expect(() => createEmbedder({ provider: 'hash', model: 'hash-v2', dimensions: 64, path: model.path })).toThrow(
      /path applies to the transformers embedder only/,
    );
  });
});
