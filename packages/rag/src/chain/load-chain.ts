import { ConfigError, InvalidInputError } from '@ragops/core';
import { getIndexBuild } from '../build/build-record.ts';
import { createEmbedder } from '../embed/create-embedder.ts';
import type { CallPolicy } from '../llm/call-policy.ts';
import type { LanguageModelResolver } from '../llm/create-language-model.ts';
import { type GenerateOptions, type GenerateOutput, generate } from '../llm/generate.ts';
import type { ChatMessage } from '../llm/language-model.ts';
import type { PriceTable } from '../llm/price-table.ts';
import { stream as streamText } from '../llm/stream.ts';
import { queryIndex } from '../search/query-index.ts';
import { parseChainLlmParams } from './chain-llm-params.ts';
import { buildChainMessages, CHAIN_PROMPT_VARIABLES, citedContexts, questionOf } from './chain-prompt.ts';
import { chainReranker } from './chain-reranker.ts';
import type { Chain, ChainAnswer, ChainContext, ChainRequest, ChainStreamEvent, ChainVersion } from './chain-types.ts';
import { ModelVersionConfigError } from './model-version-config-error.ts';

export type LoadChainOptions = ChainVersion & {
  /** RAGOPS_HOME: where the pinned index lives. */
  home: string;
  /** Turns the spec's `llm.provider` / `llm.model` (and fallbacks) into LanguageModels. */
  resolveModel: LanguageModelResolver;
  prices?: PriceTable;
  /** Defaults for LLM calls; the version's `llm.params` (timeoutMs, maxRetries) take precedence. */
  callPolicy?: CallPolicy;
  /** Environment values for hosted query embedders' API keys (the app passes them). */
  env?: Readonly<Record<string, string | undefined>>;
  fetch?: typeof fetch;
};

/**
 * Loads a registered model version into a runnable chain: retrieve from the PINNED index version →
 * render the packaged prompt → call the LLM (with its fallbacks) → answer with citations.
 * Fails fast: ConfigError for unknown providers or bad params, NotFoundError when the pinned index
 * version does not exist in `home`.
 * @example
 * const chain = await loadChain({ home, modelName: 'dev.qs.docs_qa', version: 3, package: pkg, resolveModel });
 * const { answer, citations } = await chain.invoke({ question: 'How are indexes versioned?' });
 */
export async function loadChain(options: LoadChainOptions): Promise<Chain> {
  const { modelName, version, package: pkg } = options;
  const uri = `models:/${modelName}/${version}`;
  const params = asVersionProblem(uri, () => parseChainLlmParams(pkg.chain.llm.params, uri));
  const models = [pkg.chain.llm, ...params.fallbacks].map((m) =>
    asVersionProblem(uri, () => options.resolveModel(m.provider, m.model)),
  );
  const reranker = asVersionProblem(uri, () => chainReranker(pkg.chain.retriever, options.resolveModel, uri));
  const unknown = (pkg.chain.prompt.variables ?? []).filter(
    (v) => !(CHAIN_PROMPT_VARIABLES as readonly string[]).includes(v),
  );
  if (unknown.length > 0) {
    throw new ModelVersionConfigError(
      uri,
      `the prompt declares ${unknown.join(', ')}, which the chain runtime does not fill (it fills ${CHAIN_PROMPT_VARIABLES.join(', ')})`,
    );
  }
  const build = await getIndexBuild(options.home, pkg.index.name, pkg.index.version);
  // One query embedder per loaded chain, not one per request: the hash embedder's token cache and
  // term tables cost more to allocate than to embed a question with (embedding is synchronous, so
  // concurrent requests never interleave inside it).
  const embedder =
    pkg.chain.retriever.mode === 'fts'
      ? undefined
      : createEmbedder(build.embedder, {
          ...(options.env && { env: options.env }),
          ...(options.fetch && { fetch: options.fetch }),
        });
  const served = {
    modelName,
    version,
    uri,
    index: { name: pkg.index.name, version: pkg.index.version },
    promptSha256: pkg.chain.prompt.sha256,
  };

  async function prepare(request: ChainRequest) {
    const question = questionOf(request)?.trim();
    if (!question) {
      throw new InvalidInputError(
        'the request has no question: send messages ending with a user message, or `question`',
      );
    }
    const started = performance.now();
    const retrieval = await queryIndex({
      home: options.home,
      name: pkg.index.name,
      version: pkg.index.version,
      text: question,
      k: reranker.retrieveK,
      mode: pkg.chain.retriever.mode,
      ...(reranker.queryRerank && { rerank: reranker.queryRerank }),
      ...(Object.keys(pkg.chain.retriever.filters).length > 0 && { filter: { metadata: pkg.chain.retriever.filters } }),
      ...(embedder && { embedder }),
      ...(options.env && { env: options.env }),
      ...(options.fetch && { fetch: options.fetch }),
      ...(request.abortSignal && { abortSignal: request.abortSignal }),
    });
    // The chain's LLM timeout, retries and the request's abort bound an LLM reranker's call too.
    const reranked = await reranker.rerank(question, retrieval.hits, {
      ...definedOnly({
        timeoutMs: params.timeoutMs ?? options.callPolicy?.timeoutMs,
        maxRetries: params.maxRetries ?? options.callPolicy?.maxRetries,
      }),
      ...(request.abortSignal && { abortSignal: request.abortSignal }),
    });
    const contexts: ChainContext[] = reranked.hits.map((hit, i) => ({
      n: i + 1,
      chunkId: hit.chunkId,
      documentId: hit.documentId,
      title: hit.title,
      text: hit.text,
      score: hit.score,
    }));
    const retrievalMs = performance.now() - started;
    const messages: ChatMessage[] = buildChainMessages({
      prompt: pkg.chain.prompt,
      question,
      contexts,
      messages: request.messages ?? [],
    });
    const call: GenerateOptions = {
      ...options.callPolicy,
      model: models,
      messages,
      grounding: { query: question, documents: contexts },
      prices: options.prices,
      ...definedOnly({
        temperature: request.temperature ?? params.temperature,
        topP: params.topP,
        maxOutputTokens: request.maxOutputTokens ?? params.maxOutputTokens,
        stop: params.stop,
        timeoutMs: params.timeoutMs,
        maxRetries: params.maxRetries,
        user: request.user,
        abortSignal: request.abortSignal,
      }),
    };
    return { started, contexts, retrievalMs, call, retrievalWarnings: reranked.warnings };
  }

  function answerOf(
    out: GenerateOutput,
    p: { started: number; contexts: ChainContext[]; retrievalMs: number; retrievalWarnings: string[] },
    timeToFirstTokenMs: number | undefined,
  ): ChainAnswer {
    const totalMs = performance.now() - p.started;
    return {
      answer: out.text,
      citations: citedContexts(out.text, p.contexts).map(({ text: _text, ...citation }) => citation),
      contexts: p.contexts,
      finishReason: out.finishReason,
      usage: out.usage,
      costUsd: out.costUsd,
      provider: out.provider,
      modelId: out.modelId,
      warnings: [...p.retrievalWarnings, ...out.warnings],
      failures: out.failures,
      latency: { retrievalMs: p.retrievalMs, generationMs: totalMs - p.retrievalMs, timeToFirstTokenMs, totalMs },
      served,
    };
  }

  return {
    modelName,
    version,
    uri,
    async invoke(request) {
      const p = await prepare(request);
      return answerOf(await generate(p.call), p, undefined);
    },
    async *stream(request): AsyncGenerator<ChainStreamEvent> {
      const p = await prepare(request);
      yield { type: 'retrieved', contexts: p.contexts, retrievalMs: p.retrievalMs };
      const generationStarted = performance.now();
      let timeToFirstTokenMs: number | undefined;
      for await (const event of streamText(p.call)) {
        if (event.type === 'text-delta') {
          timeToFirstTokenMs ??= performance.now() - generationStarted;
          yield event;
        } else {
          const { type: _type, ...out } = event;
          yield { type: 'finish', answer: answerOf(out, p, timeToFirstTokenMs) };
        }
      }
    },
  };
}

/** Runs a check of the version's own package; its ConfigError becomes a ModelVersionConfigError (shown to callers). */
function asVersionProblem<T>(uri: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!ConfigError.isInstance(error) || error.code !== 'config_error') throw error;
    const problem = error.message.startsWith(`${uri}: `) ? error.message.slice(uri.length + 2) : error.message;
    throw new ModelVersionConfigError(uri, problem, { cause: error });
  }
}

/** Drops undefined values so they do not override defaults under exactOptionalPropertyTypes-like spreads. */
function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
