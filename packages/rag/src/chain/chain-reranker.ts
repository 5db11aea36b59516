import { ConfigError, formatZodError, parseReranker, RagopsError, retrieverConfigSchema } from '@ragops/core';
import type { LanguageModelResolver } from '../llm/create-language-model.ts';
import type { LanguageModel } from '../llm/language-model.ts';
import { llmRerank } from '../search/llm-rerank.ts';
import type { RetrievedChunk } from '../search/query-index.ts';
import type { ChainPackage } from './chain-types.ts';

/** Passages an LLM reranker sees (llmRerank's default): the chain retrieves at least this many, then keeps k. */
const LLM_RERANK_DEPTH = 10;

/** A chain's reranking stage, resolved once when the chain loads (`retriever.reranker`). */
export type ChainReranker = {
  /** What queryIndex runs itself: undefined = its default (lexical for hybrid). */
  queryRerank: 'none' | 'lexical' | undefined;
  /** Hits to retrieve: k, or the LLM reranker's depth when that is more. */
  retrieveK: number;
  /** The chain's k best hits after the LLM stage (if any), with a warning when it failed. */
  rerank(
    question: string,
    hits: RetrievedChunk[],
    call: { timeoutMs?: number; maxRetries?: number; abortSignal?: AbortSignal },
  ): Promise<{ hits: RetrievedChunk[]; warnings: string[] }>;
};

/**
 * Reads `retriever.reranker` of a version's package (re-checked here: in-process callers hand in
 * packages the registry never parsed). ConfigError naming `retriever.reranker` when it is malformed;
 * the resolver's ConfigError when `llm:` names a provider this process lacks.
 */
export function chainReranker(
  retriever: ChainPackage['chain']['retriever'],
  resolveModel: LanguageModelResolver,
  where: string,
): ChainReranker {
  const parsed = retrieverConfigSchema.safeParse(retriever);
  if (!parsed.success) throw new ConfigError(formatZodError(parsed.error, `${where}: retriever`));
  const k = retriever.k;
  const spec = retriever.reranker === undefined ? undefined : parseReranker(retriever.reranker);
  if (spec?.kind !== 'llm') {
    return { queryRerank: spec?.kind, retrieveK: k, rerank: async (_q, hits) => ({ hits, warnings: [] }) };
  }
  const model: LanguageModel = resolveModel(spec.provider, spec.model);
  return {
    // The LLM reorders the fused order; when it fails, that order is what the chain answers from.
    queryRerank: 'none',
    retrieveK: Math.max(k, LLM_RERANK_DEPTH),
    async rerank(question, hits, call) {
      try {
        const out = await llmRerank(question, hits, (h) => h.text, {
          model,
          depth: LLM_RERANK_DEPTH,
          ...(call.timeoutMs !== undefined && { timeoutMs: call.timeoutMs }),
          ...(call.maxRetries !== undefined && { maxRetries: call.maxRetries }),
          ...(call.abortSignal && { abortSignal: call.abortSignal }),
        });
        return { hits: out.items.slice(0, k), warnings: out.warnings.map((w) => `reranker ${spec.spec}: ${w}`) };
      } catch (error) {
        // The caller gave up: the request ends here anyway. Anything else degrades to the fused order.
        if (call.abortSignal?.aborted) throw error;
        // The code, not the message: a provider's message may name hosts, which callers must not see.
        const code = RagopsError.isInstance(error) ? error.code : 'error';
        return {
          hits: hits.slice(0, k),
          warnings: [`reranker ${spec.spec} failed (${code}): the retrieval order was kept`],
        };
      }
    },
  };
}
