/** The embedder interface every embedding backend implements. */
export type { CallOptions, Embedder, EmbedderIdentity, EmbedResult } from './embed/embedder.ts';
