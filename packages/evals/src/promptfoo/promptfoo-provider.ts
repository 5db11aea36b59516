import { formatModelUri, parseThreeLevelName, RagopsError } from '@ragops/core';
import {
  type ChainHost,
  type ChainVersion,
  type ChatMessage,
  type Embedder,
  embedMany,
  generate,
  type LanguageModel,
} from '@ragops/rag';
import { z } from 'zod';

// The adapter between our models and promptfoo (STYLE.md §3): promptfoo's ApiProvider is `id()` +
// `callApi()` (+ `callEmbeddingApi()` for embedding-based graders). Only the fields we fill are
// typed here; promptfoo is never imported by this file, so it loads nowhere but in a bridge run.

/** What promptfoo passes to `callApi` besides the rendered prompt (only what we read). */
export type PromptfooCallContext = { vars?: Record<string, unknown> };

/** promptfoo's ProviderResponse, the fields we set. A failure is in-band (`error`), never thrown. */
export type PromptfooResponse = {
  output?: string;
  error?: string;
  tokenUsage?: { prompt?: number; completion?: number; total?: number; numRequests?: number };
  cost?: number;
  latencyMs?: number;
  metadata?: Record<string, unknown>;
};

/** promptfoo's ApiProvider, as the bridge implements it. */
export type PromptfooProvider = {
  id(): string;
  label?: string;
  callApi(prompt: string, context?: PromptfooCallContext): Promise<PromptfooResponse>;
  callEmbeddingApi?(text: string): Promise<{ embedding?: number[]; error?: string; tokenUsage?: { total: number } }>;
};

/** What the chain provider puts in `metadata.ragops` for the bridge to store as the row. */
export type ChainCallMetadata = {
  retrieved: { n: number; chunkId: string; documentId: string; score: number }[];
  latency: { totalMs: number; retrievalMs: number; generationMs: number };
  tokens: { in: number | null; out: number | null };
  costUsd: number | null;
};

/** A RagopsError (or any error) as promptfoo's in-band error string: `code: message`. */
export function inBandError(error: unknown): PromptfooResponse {
  if (RagopsError.isInstance(error)) return { error: `${error.code}: ${error.message}` };
  return { error: `internal: ${error instanceof Error ? error.message : String(error)}` };
}

/**
 * A registered model version as a promptfoo provider: every call goes through the chain host (the
 * one way to run a version) and answers with the chain's answer; `metadata.context` holds the
 * retrieved passages (what `context-faithfulness`, `context-recall`, `context-relevance` read) and
 * `metadata.ragops` what an eval run stores. A failed chain call is promptfoo's `{ error }`.
 * @example
 * const provider = chainProvider({ host, target: { modelUri: 'models:/dev.qs.docs_qa@champion' } });
 */
export function chainProvider(input: {
  host: ChainHost;
  /** A resolved version (a bridge run pins one), or a model URI whose alias each call follows. */
  target: { version: ChainVersion } | { modelUri: string };
  timeoutMs?: number;
  abortSignal?: AbortSignal;
}): PromptfooProvider {
  const { host, target } = input;
  const uri =
    'version' in target
      ? `ragops:${formatModelUri({ name: parseThreeLevelName(target.version.modelName), ref: { version: target.version.version } })}`
      : `ragops:${target.modelUri}`;
  return {
    id: () => uri,
    label: uri,
    async callApi(prompt) {
      const outcome = await host.answer({
        ...target,
        question: prompt,
        timeoutMs: input.timeoutMs ?? 60_000,
        ...(input.abortSignal && { abortSignal: input.abortSignal }),
      });
      if (!outcome.ok)
        return { error: `${outcome.failure.code}: ${outcome.failure.message}`, latencyMs: outcome.latencyMs };
      const a = outcome.answer;
      const ragops: ChainCallMetadata = {
        retrieved: a.contexts.map((c) => ({ n: c.n, chunkId: c.chunkId, documentId: c.documentId, score: c.score })),
        latency: {
          totalMs: a.latency.totalMs,
          retrievalMs: a.latency.retrievalMs,
          generationMs: a.latency.generationMs,
        },
        tokens: { in: a.usage.inputTokens, out: a.usage.outputTokens },
        costUsd: a.costUsd ?? null,
      };
      return {
        output: a.answer,
        tokenUsage: {
          prompt: a.usage.inputTokens,
          completion: a.usage.outputTokens,
          total: a.usage.inputTokens + a.usage.outputTokens,
          numRequests: 1,
        },
        ...(a.costUsd !== undefined && { cost: a.costUsd }),
        latencyMs: outcome.latencyMs,
        metadata: { context: a.contexts.map((c) => c.text), ragops },
      };
    },
  };
}

// promptfoo's graders send either plain text or a JSON array of chat messages.
const gradingMessagesSchema = z
  .array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() }))
  .min(1);

function messagesOf(prompt: string): ChatMessage[] {
  if (prompt.trimStart().startsWith('[')) {
    try {
      const parsed = gradingMessagesSchema.safeParse(JSON.parse(prompt));
      if (parsed.success) return parsed.data;
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      // Not JSON after all: a plain prompt that starts with '['.
    }
  }
  return [{ role: 'user', content: prompt }];
}

/**
 * One of our LanguageModels (a provider of ragops.yaml, through `generate`: retries, timeouts) as
 * promptfoo's grading provider, at temperature 0; with an embedder it also answers
 * `callEmbeddingApi` (for `answer-relevance`). promptfoo then makes no HTTP call of its own to grade.
 */
export function languageModelProvider(input: {
  model: LanguageModel;
  embedder?: Embedder;
  abortSignal?: AbortSignal;
}): PromptfooProvider {
  const { model, embedder } = input;
  const name = `ragops:${model.provider}/${model.modelId}`;
  const signal = input.abortSignal ? { abortSignal: input.abortSignal } : {};
  return {
    id: () => name,
    label: name,
    async callApi(prompt) {
      try {
        const out = await generate({ model, messages: messagesOf(prompt), temperature: 0, ...signal });
        return {
          output: out.text,
          tokenUsage: {
            prompt: out.usage.inputTokens,
            completion: out.usage.outputTokens,
            total: out.usage.inputTokens + out.usage.outputTokens,
            numRequests: 1,
          },
        };
      } catch (error) {
        if (input.abortSignal?.aborted) throw error;
        return inBandError(error);
      }
    },
    ...(embedder && {
      async callEmbeddingApi(text: string) {
        try {
          const r = await embedMany({ embedder, values: [text], ...signal });
          return { embedding: [...(r.embeddings[0] ?? [])], tokenUsage: { total: r.usage?.tokens ?? 0 } };
        } catch (error) {
          if (input.abortSignal?.aborted) throw error;
          return { error: inBandError(error).error ?? 'embedding failed' };
        }
      },
    }),
  };
}
