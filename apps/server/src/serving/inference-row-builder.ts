import type { InferenceRow } from '@ragops/core';
import { type ChainAnswer, type ChatMessage, fallbackFrom } from '@ragops/rag';
import type { ServingConfig } from './serving-config.ts';

/** What a request knew when it ended, successful or not. */
export type RequestOutcome = {
  requestId: string;
  startedAt: Date;
  endpoint: string;
  trafficArm: 'live' | 'shadow';
  servedEntity?: string;
  assignment?: 'sticky' | 'random' | 'single';
  modelUri?: string;
  /** The version the URI (maybe an alias) resolved to, with its package's pins. */
  resolved?: { modelName: string; version: number; indexName: string; indexVersion: number; promptSha256: string };
  answer?: ChainAnswer;
  /** Set for failures. */
  error?: { httpStatus: number; code: string; message: string };
  stream: boolean;
  caller?: string;
  stickyKey?: string;
  messages?: readonly ChatMessage[];
  /** Streaming: time to first token; for a broken stream the partial answer and its latency. */
  ttftMs?: number;
  partialAnswer?: string;
  latencyTotalMs: number;
};

const EMAIL = /[\w.+-]+@[\w-]+\.[\w.-]+/g;
const DIGITS = /\d{6,}/g;

/** Masks e-mail addresses and long digit runs (phone, card and account numbers). */
export function redact(text: string): string {
  return text.replace(EMAIL, '[email]').replace(DIGITS, '[number]');
}

/** Builds the inference row, applying the content policy (full | redacted | none, and sampling). */
export function buildInferenceRow(
  o: RequestOutcome,
  policy: ServingConfig['inference'],
  random: () => number,
): InferenceRow {
  const keepContent = policy.content !== 'none' && random() < policy.contentSampleRate;
  const text = (value: string) => (policy.content === 'redacted' ? redact(value) : value);
  const a = o.answer;
  const answerText = a?.answer ?? o.partialAnswer;
  return {
    requestId: o.requestId,
    ts: o.startedAt.toISOString(),
    endpoint: o.endpoint,
    source: 'http',
    servedEntity: o.servedEntity ?? null,
    trafficArm: o.trafficArm,
    assignment: o.assignment ?? null,
    modelUri: o.modelUri ?? null,
    modelName: o.resolved?.modelName ?? null,
    modelVersion: o.resolved?.version ?? null,
    indexName: o.resolved?.indexName ?? null,
    indexVersion: o.resolved?.indexVersion ?? null,
    promptSha256: o.resolved?.promptSha256 ?? null,
    llmProvider: a?.provider ?? null,
    llmModel: a?.modelId ?? null,
    llmFallbackFrom: a ? fallbackFrom(a) : null,
    status: o.error ? 'error' : 'ok',
    httpStatus: o.error?.httpStatus ?? 200,
    errorCode: o.error?.code ?? null,
    errorMessage: o.error?.message.slice(0, 2000) ?? null,
    latencyTotalMs: o.latencyTotalMs,
    latencyRetrievalMs: a?.latency.retrievalMs ?? null,
    latencyGenerationMs: a?.latency.generationMs ?? null,
    ttftMs: a?.latency.timeToFirstTokenMs ?? o.ttftMs ?? null,
    tokensIn: a?.usage.inputTokens ?? null,
    tokensOut: a?.usage.outputTokens ?? null,
    tokensSource: a?.usage.source ?? null,
    costUsd: a?.costUsd ?? null,
    finishReason: a?.finishReason.unified ?? null,
    stream: o.stream,
    caller: o.caller ?? null,
    stickyKey: o.stickyKey ?? null,
    requestMessages:
      keepContent && o.messages ? o.messages.map((m) => ({ role: m.role, content: text(m.content) })) : null,
    answer: keepContent && answerText !== undefined ? text(answerText) : null,
    retrieved: a ? a.contexts.map((c) => ({ chunkId: c.chunkId, documentId: c.documentId, score: c.score })) : null,
  };
}
