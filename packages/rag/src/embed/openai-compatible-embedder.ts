import { ProviderCallError } from '@ragops/core';
import { z } from 'zod';
import type { CallOptions, Embedder, EmbedResult } from './embedder.ts';
import { type OpenAICompatibleConfig, postJson } from './post-json.ts';

// Only the fields we read: a smaller schema breaks less often when the API grows.
const embeddingsResponseSchema = z.object({
  data: z.array(z.object({ embedding: z.array(z.number()), index: z.number().int().optional() })),
  usage: z.object({ prompt_tokens: z.number() }).nullish(),
});

// How large an embeddings reply may be, from the request: JSON floats as OpenAI sends them
// (pretty-printed, one a line) measured 30.6 bytes a value at 384–3072 dimensions, 39.5 indented by
// 8 with exponents; 48 is generous. A 2048 × 3072 reply is ~190 MB. The ceiling stays below V8's
// longest string (~512 MiB), past which the reply could not be decoded anyway.
const REPLY_BYTES_PER_VALUE = 48;
const REPLY_BYTES_PER_VECTOR = 256; // {"object": "embedding", "index": …, "embedding": […]}
const REPLY_MIN_BYTES = 1024 * 1024;
export const EMBEDDINGS_REPLY_MAX_BYTES = 256 * 1024 * 1024;

/**
 * The most bytes a legitimate reply to `inputs` texts at `dimensions` can take (floor 1 MiB,
 * ceiling 256 MiB): a server that sends more is broken or hostile, or ignores `dimensions`.
 */
export function embeddingsReplyMaxBytes(inputs: number, dimensions: number): number {
  const bytes = inputs * (dimensions * REPLY_BYTES_PER_VALUE + REPLY_BYTES_PER_VECTOR);
  return Math.min(EMBEDDINGS_REPLY_MAX_BYTES, Math.max(REPLY_MIN_BYTES, bytes));
}

/**
 * Embeddings over the OpenAI protocol (`POST {baseURL}/embeddings`): OpenAI itself, vLLM, Ollama,
 * llama.cpp server, TGI. Sends `dimensions` unless `sendDimensions` is false (servers that reject it).
 */
export class OpenAICompatibleEmbedder implements Embedder {
  readonly specificationVersion = 'v1' as const;
  readonly modelId: string;
  readonly dimensions: number;
  // OpenAI accepts up to 2048 inputs per request.
  readonly maxBatchSize: number;
  readonly #config: OpenAICompatibleConfig;
  readonly #sendDimensions: boolean;

  constructor(
    modelId: string,
    dimensions: number,
    config: OpenAICompatibleConfig & { maxBatchSize?: number; sendDimensions?: boolean },
  ) {
    this.modelId = modelId;
    this.dimensions = dimensions;
    this.maxBatchSize = config.maxBatchSize ?? 2048;
    this.#sendDimensions = config.sendDimensions ?? true;
    this.#config = config;
  }

  get provider(): string {
    return this.#config.provider;
  }

  async doEmbed({ values, abortSignal }: CallOptions & { values: readonly string[] }): Promise<EmbedResult> {
    const body: Record<string, unknown> = { model: this.modelId, input: values, encoding_format: 'float' };
    if (this.#sendDimensions) body.dimensions = this.dimensions;
    const json = await postJson(this.#config, {
      path: '/embeddings',
      body,
      maxReplyBytes: embeddingsReplyMaxBytes(values.length, this.dimensions),
      maxReplyBytesFor: `${values.length} inputs of ${this.dimensions} dimensions`,
      abortSignal,
    });
    const parsed = embeddingsResponseSchema.safeParse(json);
    if (!parsed.success) {
      throw new ProviderCallError({
        provider: this.provider,
        message: `unexpected /embeddings response shape: ${parsed.error.issues[0]?.message ?? ''}`,
        cause: parsed.error,
        isRetryable: false,
      });
    }
    // The API may answer out of order; `index` says where each embedding belongs.
    const data = parsed.data.data;
    const ordered = data.every((d) => d.index !== undefined)
      ? [...data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
      : data;
    return {
      embeddings: ordered.map((d) => d.embedding),
      usage: parsed.data.usage ? { tokens: parsed.data.usage.prompt_tokens } : undefined,
      warnings: [],
    };
  }
}
