/** Build or incrementally rebuild an index; one build record per table version. */
export {
  type BuildIndexOptions,
  type BuildIndexResult,
  type BuildPhase,
  type BuildProgress,
  buildIndex,
  rebuildIndex,
} from './build/build-index.ts';
/** Build records: read by the registry to pin and describe index versions. */
export { getIndexBuild, type IndexBuild, indexBuildSchema, listIndexBuilds } from './build/build-record.ts';
/** Compaction and retention; pins (Lance tags) that cleanup never removes. */
export { type CompactIndexResult, compactIndex, pinIndexVersion, unpinIndexVersion } from './build/compact-index.ts';
/** Index state and build history. */
export { getIndexStatus, type IndexStatus, listIndexHistory } from './build/index-status.ts';
/** Model URI → loaded chain, with bounded alias staleness (re-reads the store) and an LRU of chains. */
export { ChainResolver, type ChainResolverOptions } from './chain/chain-resolver.ts';
export type {
  Chain,
  ChainAnswer,
  ChainCitation,
  ChainContext,
  ChainLatency,
  ChainPackage,
  ChainRequest,
  ChainStreamEvent,
  ChainVersion,
} from './chain/chain-types.ts';
/** The inference table's `llmFallbackFrom` rule (server rows and in-process rows share it). */
export { fallbackFrom } from './chain/fallback-from.ts';
/** Chain runtime: a registered model version → retrieve (pinned index) → prompt → LLM → cited answer. */
export { type LoadChainOptions, loadChain } from './chain/load-chain.ts';
/** A registered version this process cannot run as configured (its message is safe to show callers). */
export { ModelVersionConfigError } from './chain/model-version-config-error.ts';
/** Chunkers on @langchain/textsplitters: recursive, markdown-aware, token-based; offsets and heading paths. */
export {
  CHUNK_STRATEGIES,
  type Chunk,
  type ChunkerConfig,
  type ChunkerConfigInput,
  type ChunkStrategy,
  chunkerConfigSchema,
  resolveChunkerConfig,
} from './chunk/chunk.ts';
export { type Chunker, createChunker } from './chunk/chunk-document.ts';
/** Embedder config (as stored in build records) → Embedder. */
export {
  type CreateEmbedderOptions,
  createEmbedder,
  defaultEmbedderConfig,
  EMBEDDER_PROVIDERS,
  type EmbedderConfig,
  embedderConfigSchema,
  embedderIdentity,
} from './embed/create-embedder.ts';
/** Batched, retried embedding of many values with any Embedder. */
export { type EmbedManyOptions, type EmbedManyResult, embedMany } from './embed/embed-many.ts';
/** The embedder interface every embedding backend implements. */
export type { CallOptions, Embedder, EmbedderIdentity, EmbedResult } from './embed/embedder.ts';
/** Offline, deterministic feature-hashing embedder (the embedded default). */
export { HashEmbedder, type HashEmbedderOptions } from './embed/hash-embedder.ts';
/** OpenAI-protocol embeddings (`openai`, `openai-compatible`). */
export { OpenAICompatibleEmbedder } from './embed/openai-compatible-embedder.ts';
export type { OpenAICompatibleConfig } from './embed/post-json.ts';
/** The config a build records: a local model's folder made absolute and its content hash added. */
export { resolveEmbedderConfig } from './embed/resolve-embedder-config.ts';
/** A local ONNX sentence-embedding model (`transformers`), loaded from its folder on first use. */
export { TransformersEmbedder, type TransformersEmbedderOptions } from './embed/transformers/transformers-embedder.ts';
/** Retrieval metrics over the top-k distinct document ids: recall@k, precision@k, MRR@k, nDCG@k. */
export {
  meanRetrievalScores,
  type RetrievalScores,
  scoreRetrieval,
  topKDistinct,
} from './eval-metrics/retrieval-metrics.ts';
/** The one way to run a registered version (server, evals, batch, replay): URI → cached chain → outcome. */
export {
  type ChainHost,
  type ChainHostOptions,
  createChainHost,
  type HostAnswerRequest,
} from './host/chain-host.ts';
export {
  type CallBudget,
  type ChainFailure,
  type ChainFailureCode,
  type ChainOutcome,
  callBudget,
  chainFailureOf,
} from './host/chain-outcome.ts';
/** Chunks by id from a pinned index version (review pages, exports); the caller checks READ on the index. */
export { getChunks, type IndexRef, MAX_CHUNK_IDS } from './index/read-chunks.ts';
/** The VectorIndex interface (LanceDB implementation: `@ragops/rag/lancedb`). */
export type { ChunkRow, IndexHit, SearchFilter, VectorIndex } from './index/vector-index.ts';
/** Retry/timeout settings and the record of a failed attempt. */
export type { AttemptFailure, CallPolicy } from './llm/call-policy.ts';
/** Named provider config → `(provider, model) → LanguageModel`. */
export {
  createLanguageModelResolver,
  DEFAULT_LLM_PROVIDERS,
  type LanguageModelResolver,
  type LlmProviderConfig,
  type LlmProviders,
  llmProviderConfigSchema,
  llmProvidersSchema,
} from './llm/create-language-model.ts';
/** The embedded offline default: quotes retrieved sentences with citations; not a language model. */
export {
  createExtractive,
  ExtractiveLanguageModel,
  type ExtractiveSettings,
  NOTHING_FOUND_ANSWER,
} from './llm/extractive/extractive-language-model.ts';
/** Call a language model with retries, timeouts, a fallback chain, abort, token counting and cost. */
export { type GenerateOptions, type GenerateOutput, generate } from './llm/generate.ts';
/** The narrow LLM interface every provider implements (STYLE §3), and its request/result types. */
export type {
  ChatMessage,
  FinishReason,
  GenerateRequest,
  GenerateResult,
  GroundingDocument,
  LanguageModel,
  ProviderUsage,
  StreamPart,
  StreamResult,
} from './llm/language-model.ts';
/** A local GGUF model run in-process by node-llama-cpp (`llama-cpp`), loaded on first call. */
export { createLlamaCpp, type LlamaCppProviderSettings } from './llm/llama-cpp/create-llama-cpp.ts';
/** Which LLM providers a configuration names, and the registration check that refuses others. */
export {
  assertLlmProvidersConfigured,
  assertRerankerProviderConfigured,
  configuredLlmProviderNames,
  llmProvidersOf,
} from './llm/llm-provider-check.ts';
/** The third-party OpenAI API through the official SDK. */
export { createOpenAI, type OpenAIProviderSettings } from './llm/openai/create-openai.ts';
/** Self-hosted OpenAI-protocol servers (vLLM, Ollama, llama.cpp, TGI), with a capability probe. */
export {
  createOpenAICompatible,
  type OpenAICompatibleProviderSettings,
} from './llm/openai-compatible/create-openai-compatible.ts';
/** Price table (`provider/model` → $ per 1M tokens) and cost calculation. */
export { costOf, type PriceTable, priceTableSchema, type TokenPrice } from './llm/price-table.ts';
/** Stream a language model's answer (deltas, then a finish event with usage and cost). */
export { type StreamEvent, stream } from './llm/stream.ts';
/** Final token usage of a call (reported by the provider or counted with cl100k_base). */
export { countPromptTokens, type Usage } from './llm/usage.ts';
/** Loaders: a folder (md/txt/html/pdf/jsonl) or one jsonl file → normalized, hashed documents plus warnings. */
export { type LoadedSource, type LoadSourceOptions, loadSource, type SourceKind } from './load/load-source.ts';
export type { LoadWarning, SourceDocument } from './load/source-document.ts';
/** getLineage hook: the pinned index build's document manifest. */
export { indexBuildLineage } from './registry/index-build-lineage.ts';
/** Register a ragops.yaml chain as a model version (validated, index pinned, packaged). */
export {
  assertBuildMatches,
  type PackagedChain,
  packageChain,
  type RegisterChainOptions,
  registerChain,
  registerPackagedChain,
  registryPinTag,
} from './registry/register-chain.ts';
/** The caller's abort plus a timeout as one signal (the one way; AbortSignal.any was a per-request cost). */
export { Deadline } from './retry/deadline.ts';
/** Parses a reply's `retry-after-ms` / `Retry-After` (seconds or HTTP date) into milliseconds. */
export { parseRetryAfterMs } from './retry/retry-after.ts';
/** The one retry policy (and its defaults) for LLM calls, streams and embeddings. */
export { RETRY_DEFAULTS, type RetryPolicy, retryDelayMs } from './retry/retry-policy.ts';
/** The one retry loop for provider calls: Retry-After or jittered backoff, capped, abort-aware. */
export { type WithRetriesOptions, withRetries } from './retry/with-retries.ts';
/** Convex combination of min-max normalised scores: the default hybrid fusion (RETRIEVAL_DEFAULTS.hybrid). */
export { convexFusion, type ScoredList } from './search/convex-fusion.ts';
/** What a fusion returns: the item, its fused score and its rank in each list. */
export type { FusedItem } from './search/fuse-ranked-lists.ts';
/** Closes the retriever's cached LanceDB readers (server shutdown, tests). */
export { closeIndexReaders } from './search/index-reader-cache.ts';
/** Hybrid's offline reranking stage (default): BM25 of the query's terms and term pairs over the best fused chunks. */
export { type LexicalRerankOptions, lexicalRerank } from './search/lexical-rerank.ts';
/** An optional reranking stage through a configured language model: it reorders, never adds. */
export { type LlmRerankOptions, type LlmRerankResult, llmRerank } from './search/llm-rerank.ts';
/** The retriever: vector, full-text or hybrid (convex or RRF fusion) top-k over an index version. */
export {
  type QueryIndexOptions,
  type QueryIndexResult,
  queryIndex,
  RETRIEVAL_MODES,
  type RetrievalMode,
  type RetrievedChunk,
} from './search/query-index.ts';
/** Weighted reciprocal-rank fusion of ranked lists. */
export { type RankedList, reciprocalRankFusion } from './search/reciprocal-rank-fusion.ts';
/** Chunking, full-text and hybrid-fusion defaults, chosen with `npm run bench:retrieval`. */
export { RETRIEVAL_DEFAULTS } from './search/retrieval-defaults.ts';
/** The analyzer the hash embedder uses: lower-case word tokens, English stop words out, Porter stems. */
export { analyzeText } from './text/analyze.ts';
