import type { InferenceRow, Principal } from '@ragops/core';
import {
  type ChainAnswer,
  type ChainFailureCode,
  type ChainVersion,
  type ChatMessage,
  fallbackFrom,
} from '@ragops/rag';

/**
 * The endpoint name of in-process rows: `in-process:<catalog.schema.model>`. In-process calls go to
 * no serving endpoint; a name per model keeps them out of every real endpoint's monitoring windows
 * while `ragops inference query --endpoint in-process:dev.qs.docs_qa` still finds them.
 */
export function inProcessEndpoint(modelName: string): string {
  return `in-process:${modelName}`;
}

/** What one in-process call knew when it ended, successful or not. */
export type InProcessOutcome = {
  requestId: string;
  startedAt: Date;
  modelUri: string;
  /** `catalog.schema.model` of the URI (known before it resolves). */
  modelName: string;
  principal: Principal;
  version?: ChainVersion;
  answer?: ChainAnswer;
  failure?: { code: ChainFailureCode; message: string };
  stream: boolean;
  messages: readonly ChatMessage[];
  /** Streaming stopped early: the text so far. */
  partialAnswer?: string;
  latencyTotalMs: number;
  /** `full` stores the messages and answer, as the server's default; `none` only the typed columns. */
  content: 'full' | 'none';
};

/**
 * The inference row of an in-process call, column for column as the server's row builder fills a
 * served request's (apps/server/src/serving/inference-row-builder.ts), with `source: 'in-process'`.
 * `httpStatus` is 200 for an answer and 0 for a failure: there was no HTTP exchange, and the
 * failure's code is in `errorCode` (what the server would have answered is the server's business).
 */
export function buildInProcessRow(o: InProcessOutcome): InferenceRow {
  const a = o.answer;
  const pkg = o.version?.package;
  const answerText = a?.answer ?? o.partialAnswer;
  const keep = o.content === 'full';
  return {
    requestId: o.requestId,
    ts: o.startedAt.toISOString(),
    endpoint: inProcessEndpoint(o.modelName),
    source: 'in-process',
    servedEntity: null,
    trafficArm: 'live',
    assignment: 'single',
    modelUri: o.modelUri,
    modelName: o.version?.modelName ?? o.modelName,
    modelVersion: o.version?.version ?? null,
    indexName: pkg?.index.name ?? null,
    indexVersion: pkg?.index.version ?? null,
    promptSha256: pkg?.chain.prompt.sha256 ?? null,
    llmProvider: a?.provider ?? null,
    llmModel: a?.modelId ?? null,
    llmFallbackFrom: a ? fallbackFrom(a) : null,
    status: o.failure ? 'error' : 'ok',
    httpStatus: o.failure ? 0 : 200,
    errorCode: o.failure?.code ?? null,
    errorMessage: o.failure?.message.slice(0, 2000) ?? null,
    latencyTotalMs: o.latencyTotalMs,
    latencyRetrievalMs: a?.latency.retrievalMs ?? null,
    latencyGenerationMs: a?.latency.generationMs ?? null,
    ttftMs: a?.latency.timeToFirstTokenMs ?? null,
    tokensIn: a?.usage.inputTokens ?? null,
    tokensOut: a?.usage.outputTokens ?? null,
    tokensSource: a?.usage.source ?? null,
    costUsd: a?.costUsd ?? null,
    finishReason: a?.finishReason.unified ?? null,
    stream: o.stream,
    caller: o.principal.name,
    stickyKey: null,
    requestMessages: keep ? o.messages.map((m) => ({ role: m.role, content: m.content })) : null,
    answer: keep && answerText !== undefined ? answerText : null,
    retrieved: a ? a.contexts.map((c) => ({ chunkId: c.chunkId, documentId: c.documentId, score: c.score })) : null,
  };
}
