import { ConfigError, parseInput } from '@ragops/core';
import { z } from 'zod';
import type { Embedder } from './embedder.ts';
import { HashEmbedder } from './hash-embedder.ts';
import { OpenAICompatibleEmbedder } from './openai-compatible-embedder.ts';
import { TRANSFORMERS_DTYPES } from './transformers/model-folder-hash.ts';
import { TransformersEmbedder, transformersModelId } from './transformers/transformers-embedder.ts';

export const EMBEDDER_PROVIDERS = ['hash', 'openai', 'openai-compatible', 'transformers'] as const;

/** An embedder as stored in a build record and accepted from flags and config files. */
export const embedderConfigSchema = z
  .object({
    provider: z.enum(EMBEDDER_PROVIDERS),
    model: z.string().min(1),
    dimensions: z.number().int().min(1).max(65_536),
    /** Required for openai-compatible; openai defaults to https://api.openai.com/v1. */
    baseURL: z.url().optional(),
    /** Name of the environment variable holding the API key (the value is never stored). */
    apiKeyEnv: z.string().min(1).optional(),
    /** transformers: the local model folder (absolute, or relative to the working directory). */
    path: z.string().min(1).max(4096).optional(),
    /** transformers: which ONNX variant of the folder to load (default fp32). */
    dtype: z.enum(TRANSFORMERS_DTYPES).optional(),
    /** transformers: the model folder's hash, recorded by the build (resolveEmbedderConfig). */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'a sha256 is 64 lower-case hex digits')
      .optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.provider === 'openai-compatible' && !c.baseURL) {
      ctx.addIssue({ code: 'custom', path: ['baseURL'], message: 'openai-compatible needs a baseURL' });
    }
    if (c.provider === 'transformers' && !c.path) {
      ctx.addIssue({ code: 'custom', path: ['path'], message: 'transformers needs the path of a local model folder' });
    }
    for (const key of ['path', 'dtype', 'sha256'] as const) {
      if (c.provider !== 'transformers' && c[key] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: `${key} applies to the transformers embedder only` });
      }
    }
  });
export type EmbedderConfig = z.infer<typeof embedderConfigSchema>;

/** The default embedder of a new index: the offline hash embedder. */
export function defaultEmbedderConfig(): EmbedderConfig {
  const e = new HashEmbedder();
  return { provider: 'hash', model: e.modelId, dimensions: e.dimensions };
}

export type CreateEmbedderOptions = {
  /** Environment values the app passes down (packages never read process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  fetch?: typeof fetch;
};

/**
 * Builds an Embedder from its config. The API key is read from `env[apiKeyEnv]` (default
 * OPENAI_API_KEY for openai) when a call is made, so a missing key fails as a ConfigError.
 */
export function createEmbedder(config: EmbedderConfig, options: CreateEmbedderOptions = {}): Embedder {
  const c = parseInput(embedderConfigSchema, config, 'embedder');
  if (c.provider === 'hash') {
    const embedder = hashEmbedder(c.dimensions);
    if (c.model !== embedder.modelId) {
      throw new ConfigError(`The hash embedder has model "${embedder.modelId}", not "${c.model}".`);
    }
    return embedder;
  }
  if (c.provider === 'transformers') {
    return new TransformersEmbedder({
      model: c.model,
      path: c.path!,
      dimensions: c.dimensions,
      ...(c.dtype && { dtype: c.dtype }),
      ...(c.sha256 && { sha256: c.sha256 }),
    });
  }
  const keyEnv = c.apiKeyEnv ?? (c.provider === 'openai' ? 'OPENAI_API_KEY' : undefined);
  const headers = (): Record<string, string> => {
    if (keyEnv === undefined) return {};
    const key = options.env?.[keyEnv];
    if (!key) {
      throw new ConfigError(`The ${c.provider} embedder needs an API key: set the ${keyEnv} environment variable.`);
    }
    return { authorization: `Bearer ${key}` };
  };
  const baseURL = c.baseURL ?? 'https://api.openai.com/v1';
  return new OpenAICompatibleEmbedder(c.model, c.dimensions, {
    provider: c.provider,
    baseURL,
    headers,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

// One HashEmbedder per dimension count, shared: an instance allocates ~768 KB of typed arrays
// (0.1–3.7 ms with GC per query when made per call), embeds synchronously (calls never interleave)
// and its caches never change a result (hash-embedder.ts clears them only between texts).
const hashEmbedders = new Map<number, HashEmbedder>();

function hashEmbedder(dimensions: number): HashEmbedder {
  let embedder = hashEmbedders.get(dimensions);
  if (!embedder) {
    embedder = new HashEmbedder({ dimensions });
    hashEmbedders.set(dimensions, embedder);
  }
  return embedder;
}

/** The identity stored with an index: another embedder's vectors are not comparable. */
export function embedderIdentity(config: EmbedderConfig): string {
  const model = config.provider === 'transformers' ? transformersModelId(config.model, config.sha256) : config.model;
  return `${config.provider}/${model}/${config.dimensions}`;
}
