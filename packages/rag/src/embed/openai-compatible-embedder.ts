import { ProviderCallError } from '@ragops/core';
import { z } from 'zod';
import type { CallOptions, Embedder, EmbedResult } from './embedder.ts';
import { type OpenAICompatibleConfig, postJson } from './post-json.ts';

// Only the fields we read: a smaller schema breaks less often when the API grows.
const embeddingsResponseSchema = z.object({
  data: z.array(z.object({ embedding: z.array(z.number()), index: z.number().int().optional() })),
  usage: z.object({ prompt_tokens: z.number() }).nullish(),
});

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
    const json = await postJson(this.#config, '/embeddings', body, abortSignal);
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
