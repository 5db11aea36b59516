import { resolve } from 'node:path';
import { InvalidInputError, loadRagopsSpec } from '@ragops/core';
import {
  type ChunkerConfigInput,
  chunkerConfigSchema,
  type EmbedderConfig,
  embedderConfigSchema,
} from '@ragops/rag/search';

/** What `indexes.<name>` in ragops.yaml says to build. */
export type IndexDefinition = { source: string; chunker?: ChunkerConfigInput; embedder?: EmbedderConfig };

/**
 * The index's definition in ragops.yaml (source relative to the file; chunker and embedder parsed
 * with the index package's own schemas), so `ragops index build <name>` needs no flags for an index
 * the repo defines — and builds it exactly as `models register` will check it.
 */
export async function indexDefinitionFromSpec(name: string, specPath: string): Promise<IndexDefinition> {
  const loaded = await loadRagopsSpec(specPath);
  const index = loaded.spec.indexes[name];
  if (!index) {
    const defined = Object.keys(loaded.spec.indexes).join(', ') || 'none';
    throw new InvalidInputError(
      `index build: no --source given and ${specPath} defines no index "${name}" under indexes: (defined: ${defined}). Pass --source <folder|file.jsonl>.`,
    );
  }
  const at = ['indexes', name];
  return {
    source: resolve(loaded.dir, index.source),
    ...(index.chunker && { chunker: loaded.locations.parse(chunkerConfigSchema, index.chunker, [...at, 'chunker']) }),
    ...(index.embedder && {
      embedder: specEmbedder(
        loaded.locations.parse(embedderConfigSchema, index.embedder, [...at, 'embedder']),
        loaded.dir,
      ),
    }),
  };
}

/** A local model folder in ragops.yaml is relative to the file, like `source`. */
function specEmbedder(embedder: EmbedderConfig, dir: string): EmbedderConfig {
  return embedder.path === undefined ? embedder : { ...embedder, path: resolve(dir, embedder.path) };
}
