/** Options every provider call takes. */
export type CallOptions = {
  abortSignal?: AbortSignal;
};

export type EmbedResult = {
  embeddings: number[][];
  usage?: { tokens: number };
  warnings: string[];
};

/** What identifies an embedder for an index: querying with another one is refused. */
export type EmbedderIdentity = { provider: string; modelId: string; dimensions: number };

/**
 * Narrow embedder interface (STYLE §3). `embedMany()` batches and retries; providers never do.
 * `doEmbed` throws ProviderCallError on a failed call.
 */
export interface Embedder {
  readonly specificationVersion: 'v1';
  readonly provider: string;
  readonly modelId: string;
  readonly dimensions: number;
  /** Largest batch one call accepts. */
  readonly maxBatchSize: number;
  doEmbed(request: CallOptions & { values: readonly string[] }): Promise<EmbedResult>;
}
