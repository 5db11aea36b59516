import { ProviderCallError } from '@ragops/core';
import type { RetryPolicy } from '../retry/retry-policy.ts';
import { withRetries } from '../retry/with-retries.ts';
import type { Embedder } from './embedder.ts';

export type EmbedManyOptions = RetryPolicy & {
  embedder: Embedder;
  values: readonly string[];
  abortSignal?: AbortSignal;
  /** Called after each batch with the number of values embedded so far. */
  onProgress?: (done: number, total: number) => void;
};

export type EmbedManyResult = {
  embeddings: number[][];
  usage: { tokens: number } | undefined;
  warnings: string[];
};

/**
 * Embeds any number of values: splits them into `embedder.maxBatchSize` batches (providers never
 * batch themselves), retries each batch's retryable provider failures (`withRetries`: Retry-After
 * or jittered backoff, RETRY_DEFAULTS unless overridden), stops on abort. Throws the last
 * ProviderCallError when retries run out; a refused connection so fails within ~1 s by default.
 * @example
 * const { embeddings } = await embedMany({ embedder: new HashEmbedder(), values: ['a', 'b'] });
 */
export async function embedMany(options: EmbedManyOptions): Promise<EmbedManyResult> {
  const { embedder, values } = options;
  const batchSize = Math.max(1, embedder.maxBatchSize);
  const embeddings: number[][] = [];
  const warnings: string[] = [];
  let tokens: number | undefined;
  for (let start = 0; start < values.length; start += batchSize) {
    const batch = values.slice(start, start + batchSize);
    const result = await withRetries(() => embedder.doEmbed({ values: batch, abortSignal: options.abortSignal }), {
      policy: options,
      abortSignal: options.abortSignal,
    });
    if (result.embeddings.length !== batch.length) {
      throw new ProviderCallError({
        provider: embedder.provider,
        message: `returned ${result.embeddings.length} embeddings for ${batch.length} inputs`,
        isRetryable: false,
      });
    }
    for (const e of result.embeddings) {
      if (e.length !== embedder.dimensions) {
        throw new ProviderCallError({
          provider: embedder.provider,
          message: `returned a ${e.length}-dimensional embedding; model "${embedder.modelId}" is configured for ${embedder.dimensions}`,
          isRetryable: false,
        });
      }
      embeddings.push(e);
    }
    warnings.push(...result.warnings);
    if (result.usage) tokens = (tokens ?? 0) + result.usage.tokens;
    options.onProgress?.(embeddings.length, values.length);
  }
  return { embeddings, usage: tokens === undefined ? undefined : { tokens }, warnings };
}
