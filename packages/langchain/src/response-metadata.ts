import type { UsageMetadata } from '@langchain/core/messages';
import { InvalidInputError } from '@ragops/core';
import type { ChainAnswer, ChainCitation } from '@ragops/rag';

/** What `AIMessage.response_metadata.ragops` carries: enough to cite, audit and give feedback. */
export type RagopsResponseMetadata = {
  /** The inference row's request id (POST /v1/feedback takes it). */
  requestId: string;
  /** The URI as configured (may name an alias) … */
  modelUri: string;
  /** … and what served: the version, its pinned index version and prompt hash. */
  served: ChainAnswer['served'];
  /** The contexts the answer cites with [n] markers, in order of first citation. */
  citations: ChainCitation[];
  /** The LLM that answered (after retries and fallbacks). */
  llm: { provider: string; modelId: string };
  finishReason: string;
  costUsd: number | null;
  /** What a provider ignored or truncated. */
  warnings: string[];
};

/** `response_metadata` of an answer: LangChain's own keys plus ours under `ragops`. */
export function ragopsMetadata(input: { requestId: string; modelUri: string; answer: ChainAnswer }): {
  model_name: string;
  finish_reason: string;
  ragops: RagopsResponseMetadata;
} {
  const a = input.answer;
  return {
    model_name: a.served.uri,
    finish_reason: a.finishReason.unified,
    ragops: {
      requestId: input.requestId,
      modelUri: input.modelUri,
      served: a.served,
      citations: a.citations,
      llm: { provider: a.provider, modelId: a.modelId },
      finishReason: a.finishReason.unified,
      costUsd: a.costUsd ?? null,
      warnings: a.warnings,
    },
  };
}

/** LangChain's token usage of an answer. */
export function usageMetadata(answer: ChainAnswer): UsageMetadata {
  const u = answer.usage;
  return { input_tokens: u.inputTokens, output_tokens: u.outputTokens, total_tokens: u.totalTokens };
}

/**
 * The `response_metadata.ragops` of a message a RagopsChatModel answered (or of chunks it streamed,
 * concatenated). Throws InvalidInputError for any other message.
 * @example const { citations, served } = getRagopsMetadata(await model.invoke('What is an alias?'));
 */
export function getRagopsMetadata(message: { response_metadata: Record<string, unknown> }): RagopsResponseMetadata {
  const meta = message.response_metadata.ragops as RagopsResponseMetadata | undefined;
  if (typeof meta !== 'object' || meta === null || typeof meta.requestId !== 'string') {
    throw new InvalidInputError(
      'the message has no response_metadata.ragops: it was not answered by a RagopsChatModel (or its last chunk is missing)',
    );
  }
  return meta;
}
