import { type LlmProviders, type MetadataStore, type PriceTable, type Principal, resolveModelUri } from '@ragops/core';
import { ChainResolver } from '../chain/chain-resolver.ts';
import type { Chain, ChainRequest, ChainVersion } from '../chain/chain-types.ts';
import { loadChain } from '../chain/load-chain.ts';
import { createLanguageModelResolver } from '../llm/create-language-model.ts';
import type { LanguageModel } from '../llm/language-model.ts';
import { type ChainOutcome, callBudget } from './chain-outcome.ts';

export type ChainHostOptions = {
  store: MetadataStore;
  /** RAGOPS_HOME: where pinned index versions live. */
  home: string;
  /** Named LLM providers, secrets resolved (`resolveProviderSettings` in @ragops/core). */
  providers?: LlmProviders;
  prices?: PriceTable;
  /** How stale an alias → version may get (default 1000 ms); versions by number are cached until evicted. */
  aliasStalenessMs?: number;
  /**
   * The principal the host reads the registry as (default `system:chain-host`, an admin service
   * principal). Callers check the user's own privilege (EXECUTE) before asking the host.
   */
  actorName?: string;
  /** Loaded chains kept (LRU). Default 64. */
  maxChains?: number;
  /** For hosted LLM providers and embedders (tests point it at a loopback server). */
  fetch?: typeof fetch;
  /** LLM providers built in code rather than config (benches, tests), by name. */
  customProviders?: Record<string, (modelId: string) => LanguageModel>;
  /** Environment values for hosted query embedders' API keys (the app passes them; packages never read it). */
  env?: Readonly<Record<string, string | undefined>>;
};

/** One question for a model version, by URI (alias or number) or by an already resolved version. */
export type HostAnswerRequest = ({ modelUri: string } | { version: ChainVersion }) &
  Omit<ChainRequest, 'abortSignal'> & {
    abortSignal?: AbortSignal;
    /** Budget for the whole call (resolution, retrieval, generation); a miss is the `timeout` failure. */
    timeoutMs?: number;
  };

/**
 * The one way to run a registered model version (serving, eval runs, batch, replay): model URI →
 * version (alias re-read at most every `aliasStalenessMs`, as a service principal) → cached loaded
 * chain (`loadChain` with the configured providers and prices) → answer, or a failure keyed by
 * error code. Wire formats (OpenAI's error shape, HTTP statuses) are the callers' business.
 */
export interface ChainHost {
  /** The caches behind the host (metrics, invalidation). */
  readonly resolver: ChainResolver;
  /** The version a URI names now. Throws NotFoundError (unknown model, alias or version). */
  resolveVersion(uri: string): Promise<ChainVersion>;
  /** The loaded chain of a version (loaded once, then cached). Throws ConfigError, NotFoundError. */
  chainFor(version: ChainVersion): Promise<Chain>;
  /** Answers one request; never throws for the request's own failures (they come back as `ok: false`). */
  answer(request: HostAnswerRequest): Promise<ChainOutcome>;
  /**
   * A language model of the configured providers (judges, batch jobs), built as chains build theirs.
   * Throws ConfigError naming the provider when it is not configured.
   */
  languageModel(provider: string, modelId: string): LanguageModel;
}

/**
 * Builds a chain host over a metadata store and a RAGOPS_HOME.
 * @example
 * const host = createChainHost({ store, home, ...resolveProviderSettings({ spec, env: process.env }) });
 * const outcome = await host.answer({ modelUri: 'models:/dev.qs.docs_qa@champion', question: 'What is an alias?' });
 * if (outcome.ok) console.log(outcome.answer.answer);
 */
export function createChainHost(options: ChainHostOptions): ChainHost {
  const actor = hostPrincipal(options.actorName ?? 'system:chain-host');
  const resolveModel = createLanguageModelResolver(options.providers ?? {}, {
    ...(options.fetch && { fetch: options.fetch }),
    ...(options.customProviders && { custom: options.customProviders }),
  });
  const resolver = new ChainResolver({
    ...(options.aliasStalenessMs !== undefined && { aliasStalenessMs: options.aliasStalenessMs }),
    ...(options.maxChains !== undefined && { maxChains: options.maxChains }),
    lookup: async (uri) => {
      const v = await resolveModelUri({ store: options.store, actor, uri });
      return { modelName: v.fullName, version: v.version, package: v.package };
    },
    load: (version) =>
      loadChain({
        ...version,
        home: options.home,
        resolveModel,
        ...(options.prices && { prices: options.prices }),
        ...(options.env && { env: options.env }),
        ...(options.fetch && { fetch: options.fetch }),
      }),
  });

  return {
    resolver,
    resolveVersion: (uri) => resolver.resolveVersion(uri),
    chainFor: (version) => resolver.chainFor(version),
    languageModel: (provider, modelId) => resolveModel(provider, modelId),
    async answer(request) {
      const started = performance.now();
      const budget = callBudget(request.abortSignal, request.timeoutMs);
      let version: ChainVersion | undefined;
      try {
        version = 'version' in request ? request.version : await resolver.resolveVersion(request.modelUri);
        const chain = await resolver.chainFor(version);
        const answer = await chain.invoke({
          ...chainRequestOf(request),
          ...(budget.signal && { abortSignal: budget.signal }),
        });
        return { ok: true, version, answer, latencyMs: performance.now() - started };
      } catch (error) {
        const failure = budget.failureOf(error);
        return { ok: false, version, failure, latencyMs: performance.now() - started };
      } finally {
        budget.dispose();
      }
    },
  };
}

function chainRequestOf(request: HostAnswerRequest): ChainRequest {
  return {
    ...(request.messages !== undefined && { messages: request.messages }),
    ...(request.question !== undefined && { question: request.question }),
    ...(request.user !== undefined && { user: request.user }),
    ...(request.temperature !== undefined && { temperature: request.temperature }),
    ...(request.maxOutputTokens !== undefined && { maxOutputTokens: request.maxOutputTokens }),
  };
}

// Registry reads as a service, not as the caller: the caller's own privilege is checked by the app
// (serving: EXECUTE at admission; evals: EXECUTE when a run is created).
function hostPrincipal(name: string): Principal {
  return {
    name,
    kind: 'service',
    displayName: `ragops ${name.replace(/^system:/, '')}`,
    isAdmin: true,
    createdAt: '1970-01-01T00:00:00.000Z',
    createdBy: 'system',
  };
}
