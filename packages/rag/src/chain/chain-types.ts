import type { AttemptFailure } from '../llm/call-policy.ts';
import type { ChatMessage, FinishReason } from '../llm/language-model.ts';
import type { Usage } from '../llm/usage.ts';

/**
 * The part of a registered model version's package the runtime reads. Structural, so the registry's
 * `ModelVersionPackage` (@ragops/core) fits as is, while the registry can grow without touching this.
 */
export type ChainPackage = {
  chain: {
    name: string;
    retriever: {
      k: number;
      mode: 'vector' | 'fts' | 'hybrid';
      filters: Record<string, string | number | boolean>;
      reranker?: string;
    };
    prompt: { template: string; sha256: string; name?: string; path?: string; variables?: string[] };
    llm: { provider: string; model: string; params: Record<string, unknown> };
  };
  index: { name: string; version: number };
};

/** A model version to load: its name (`catalog.schema.model`), number and package. */
export type ChainVersion = { modelName: string; version: number; package: ChainPackage };

export type ChainRequest = {
  /** OpenAI-shape chat; the question is the last user message unless `question` is given. */
  messages?: readonly ChatMessage[];
  question?: string;
  /** End-user id, passed to providers that take one. */
  user?: string;
  /** Per-request overrides of the version's LLM params (clients send them, e.g. temperature). */
  temperature?: number;
  maxOutputTokens?: number;
  abortSignal?: AbortSignal;
};

/** A retrieved passage as answered: [n] in the answer refers to the context with that `n`. */
export type ChainContext = {
  n: number;
  chunkId: string;
  documentId: string;
  title: string | undefined;
  text: string;
  score: number;
};

export type ChainCitation = Omit<ChainContext, 'text'>;

export type ChainLatency = {
  retrievalMs: number;
  generationMs: number;
  /** Streaming only: from the start of generation to the first text delta. */
  timeToFirstTokenMs: number | undefined;
  totalMs: number;
};

export type ChainAnswer = {
  answer: string;
  /** The contexts the answer cites with [n] markers, in order of first citation. */
  citations: ChainCitation[];
  contexts: ChainContext[];
  finishReason: FinishReason;
  usage: Usage;
  costUsd: number | undefined;
  /** The LLM that answered (after retries and fallbacks). */
  provider: string;
  modelId: string;
  warnings: string[];
  failures: AttemptFailure[];
  latency: ChainLatency;
  /** What served the request: the version and the pinned index version it retrieved from. */
  served: {
    modelName: string;
    version: number;
    uri: string;
    index: { name: string; version: number };
    promptSha256: string;
  };
};

export type ChainStreamEvent =
  | { type: 'retrieved'; contexts: ChainContext[]; retrievalMs: number }
  | { type: 'text-delta'; delta: string }
  | { type: 'finish'; answer: ChainAnswer };

/** A loaded, runnable model version. `invoke` and `stream` throw typed RagopsErrors. */
export interface Chain {
  readonly modelName: string;
  readonly version: number;
  /** `models:/catalog.schema.model/N` */
  readonly uri: string;
  invoke(request: ChainRequest): Promise<ChainAnswer>;
  stream(request: ChainRequest): AsyncGenerator<ChainStreamEvent>;
}
