import { resolve } from 'node:path';
import { ConfigError } from '@ragops/core';
import type { EmbedderConfig } from './create-embedder.ts';
import { modelFolderHash } from './transformers/model-folder-hash.ts';

/**
 * The embedder config a build records: for `transformers`, the model folder made absolute and its
 * content hash added (so a query through another model, or a changed folder, is refused); other
 * providers unchanged. ConfigError when the folder is no model folder, or differs from a `sha256`
 * the spec pins.
 */
export async function resolveEmbedderConfig(config: EmbedderConfig): Promise<EmbedderConfig> {
  if (config.provider !== 'transformers' || config.path === undefined) return config;
  const path = resolve(config.path);
  const sha256 = await modelFolderHash(path, config.dtype ?? 'fp32');
  if (config.sha256 !== undefined && config.sha256 !== sha256) {
    throw new ConfigError(
      `The transformers model folder ${path} hashes to ${sha256}, not the sha256 ${config.sha256} the embedder config pins: point path at that model, or update sha256.`,
    );
  }
  return { ...config, path, sha256 };
}
