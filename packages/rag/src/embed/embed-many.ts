import { ProviderCallError } from '@ragops/core';
import type { Embedder } from './embedder.ts';

export type EmbedManyOptions = {
  embedder: Embedder;
  values: readonly string[];
  abortSignal?: AbortSignal;
  /** Retries per batch after the first try, for retryable ProviderCallErrors only. Default 4. */
  maxRetries?: number;
  /** First backoff; doubles each retry, with full jitter. Default 500 ms. */
  initialBackoffMs?: number;
  /** Called after each batch with the number of values embedded so far. */
  onProgress?: (done: number, total: number) => void;
  /** Waits between retries; injectable so tests need not sleep. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
};

export type EmbedManyResult = {
  embeddings: number[][];
  usage: { tokens: number } | undefined;
  warnings: string[];
};

/**
 * Embeds any number of values: splits them into `embedder.maxBatchSize` batches (providers never
 * batch themselves), retries retryable provider failures with jittered exponential backoff, stops
 * on abort. Throws the last ProviderCallError when retries run out.
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
    const result = await withRetries(
      () => embedder.doEmbed({ values: batch, abortSignal: options.abortSignal }),
      options,
    );
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

async function withRetries<T>(call: () => Promise<T>, options: EmbedManyOptions): Promise<T> {
  const maxRetries = options.maxRetries ?? 4;
  const initial = options.initialBackoffMs ?? 500;
  const sleep = options.sleep ?? abortableSleep;
  for (let attempt = 0; ; attempt++) {
    options.abortSignal?.throwIfAborted();
    try {
      return await call();
    } catch (error) {
      if (!(ProviderCallError.isInstance(error) && error.isRetryable) || attempt >= maxRetries) throw error;
      if (options.abortSignal?.aborted) throw error;
      // Full jitter (AWS architecture blog): spreads retries of many clients hit by the same 429.
      await sleep(Math.random() * initial * 2 ** attempt, options.abortSignal);
    }
  }
}

/** setTimeout that rejects with the signal's reason when aborted. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
