/** The embedder interface every embedding backend implements. */
export type { CallOptions, EmbedResult, Embedder, EmbedderIdentity } from './embed/embedder.ts';
