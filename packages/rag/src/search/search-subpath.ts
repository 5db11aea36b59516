// `@ragops/rag/search`: the retriever and the index settings' schemas without the rest of the
// package. A one-shot process (a CLI query, `ragops index --help`) imports this instead of
// `@ragops/rag`, whose chunkers, tokenizers and LLM clients (langchain, js-tiktoken, openai: ~800
// modules) it would load and never use. Keep LanceDB behind its lazy import in index-reader-cache.ts.

/** Chunking strategies and the chunker settings schema (`indexes.<name>.chunker` in ragops.yaml). */
export type { ChunkerConfigInput } from '../chunk/chunk.ts';
export { CHUNK_STRATEGIES, chunkerConfigSchema } from '../chunk/chunk.ts';
/** Embedder providers, the settings schema and the embedded default (hash). */
export type { EmbedderConfig } from '../embed/create-embedder.ts';
export { defaultEmbedderConfig, EMBEDDER_PROVIDERS, embedderConfigSchema } from '../embed/create-embedder.ts';
/** Closes the cached table readers queryIndex opened (end of a process, tests). */
export { closeIndexReaders } from './index-reader-cache.ts';
/** The retriever: top-k chunks by vector, full text or both (`resident: false` for one-shot processes). */
export type { QueryIndexOptions, QueryIndexResult, RetrievalMode, RetrievedChunk } from './query-index.ts';
export { queryIndex, RETRIEVAL_MODES } from './query-index.ts';
