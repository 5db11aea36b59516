import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@ragops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../build/build-index.ts';
import { queryIndex } from '../../search/query-index.ts';
import { writeTinySentenceModel } from '../../test/tiny-models/write-tiny-sentence-model.ts';
import { createEmbedder } from '../create-embedder.ts';
import { resolveEmbedderConfig } from '../resolve-embedder-config.ts';

// An index embedded by a local ONNX model, on real LanceDB: the build records the folder's hash,
// queries embed through the same model, and another model (or a changed folder) is refused.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-transformers-index-'));
  await mkdir(join(dir, 'docs'));
  await writeFile(join(dir, 'docs', 'keys.md'), '# Keys\n\nHow do I rotate the API keys? Rotate keys in the index.');
  await writeFile(join(dir, 'docs', 'search.md'), '# Search\n\nA vector query searches each chunk of the model.');
  await writeFile(join(dir, 'docs', 'embed.md'), '# Embedding\n\nWhat is an embedding of a chunk?');
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('an index built with the transformers embedder', () => {
  it('records the model’s hash, answers vector queries, and refuses another model', async () => {
    const home = join(dir, 'home');
    const model = await writeTinySentenceModel(join(dir, 'model-a'), { seed: 11 });
    const other = await writeTinySentenceModel(join(dir, 'model-b'), { seed: 12 });
    const embedder = { provider: 'transformers' as const, model: 'tiny', dimensions: 16, path: model.path };
    const build = await buildIndex({ home, name: 'dev.docs.local', source: join(dir, 'docs'), embedder });
    expect(build.embedder).toEqual(await resolveEmbedderConfig(embedder));
    expect(build.embedder.sha256).toMatch(/^[0-9a-f]{64}$/);

    const { hits } = await queryIndex({
      home,
      name: 'dev.docs.local',
      text: 'rotate the API keys',
      mode: 'vector',
      k: 3,
    });
    expect(hits).toHaveLength(3);
    expect(hits.every((h) => h.sources.vector !== undefined)).toBe(true);

    const otherEmbedder = createEmbedder(await resolveEmbedderConfig({ ...embedder, path: other.path }));
    const refused = await queryIndex({
      home,
      name: 'dev.docs.local',
      text: 'rotate the API keys',
      mode: 'vector',
      embedder: otherEmbedder,
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as Error).message).toMatch(
      /was embedded with transformers\/tiny@[0-9a-f]{16}\/16; the query embedder is transformers\/tiny@[0-9a-f]{16}\/16/,
    );

    // An incremental build through a folder whose weights changed would mix two models' vectors.
    await writeTinySentenceModel(model.path, { seed: 13 });
    await expect(buildIndex({ home, name: 'dev.docs.local', source: join(dir, 'docs') })).rejects.toThrow(
      /was built with embedder transformers\/tiny@[0-9a-f]{16}\/16; this build asks for transformers\/tiny@[0-9a-f]{16}\/16.*--full/,
    );
    await expect(
      queryIndex({ home, name: 'dev.docs.local', text: 'keys', mode: 'vector', resident: false }),
    ).rejects.toThrow(/changed since the index was embedded with it/);
  }, 120_000);
});
