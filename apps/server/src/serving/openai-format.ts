import type { ChainAnswer, ChainContext } from '@ragops/rag';
import type { ServedMeta } from './serving-runtime.ts';

/** OpenAI's finish_reason for our unified one. */
export function openAIFinishReason(unified: string): 'stop' | 'length' | 'content_filter' {
  if (unified === 'length') return 'length';
  if (unified === 'content-filter') return 'content_filter';
  return 'stop';
}

export function usageBlock(answer: ChainAnswer) {
  return {
    prompt_tokens: answer.usage.inputTokens,
    completion_tokens: answer.usage.outputTokens,
    total_tokens: answer.usage.totalTokens,
  };
}

const contextJson = (c: ChainContext) => ({
  n: c.n,
  chunk_id: c.chunkId,
  document_id: c.documentId,
  title: c.title ?? null,
  score: c.score,
  text: c.text,
});

/**
 * The `ragops` extension field: which version served, citations and retrieved contexts, cost.
 * Standard OpenAI clients ignore unknown fields; ours read it.
 */
export function ragopsExtension(
  requestId: string,
  meta: ServedMeta,
  answer: ChainAnswer,
  /** What serving itself did not apply (e.g. response_format); the LLM's own come with the answer. */
  requestWarnings: readonly string[] = [],
) {
  return {
    request_id: requestId,
    served: {
      endpoint: meta.endpoint,
      entity: meta.arm.entity.name,
      assignment: meta.arm.assignment,
      model_uri: meta.modelUri,
      model: meta.resolved.modelName,
      version: meta.resolved.version,
      index: answer.served.index,
      prompt_sha256: answer.served.promptSha256,
      llm: { provider: answer.provider, model: answer.modelId },
    },
    citations: answer.citations.map((c) => ({
      n: c.n,
      chunk_id: c.chunkId,
      document_id: c.documentId,
      title: c.title ?? null,
      score: c.score,
    })),
    contexts: answer.contexts.map(contextJson),
    cost_usd: answer.costUsd ?? null,
    tokens_source: answer.usage.source,
    /** Parameters not applied, the answer not being from a language model, …: nothing ignored silently. */
    warnings: [...requestWarnings, ...answer.warnings],
  };
}

export function chatCompletion(
  requestId: string,
  meta: ServedMeta,
  answer: ChainAnswer,
  requestWarnings: readonly string[] = [],
) {
  return {
    id: `chatcmpl-${requestId}`,
    object: 'chat.completion' as const,
    created: Math.floor(Date.now() / 1000),
    model: meta.endpoint,
    choices: [
      {
        index: 0,
        message: { role: 'assistant' as const, content: answer.answer, refusal: null },
        logprobs: null,
        finish_reason: openAIFinishReason(answer.finishReason.unified),
      },
    ],
    usage: usageBlock(answer),
    system_fingerprint: null,
    ragops: ragopsExtension(requestId, meta, answer, requestWarnings),
  };
}

/** What a chat request asks that a RAG endpoint does not apply (each becomes a `ragops.warnings` line). */
export function chatRequestWarnings(body: { response_format?: { type: string } | null }): string[] {
  const format = body.response_format?.type;
  return format === undefined || format === 'text'
    ? []
    : [`response_format ${format} is ignored: RAG endpoints answer in text with [n] citations`];
}

/** One `chat.completion.chunk`. */
export function chatChunk(
  requestId: string,
  endpoint: string,
  created: number,
  choices: unknown[],
  extra: Record<string, unknown> = {},
) {
  return { id: `chatcmpl-${requestId}`, object: 'chat.completion.chunk', created, model: endpoint, choices, ...extra };
}
