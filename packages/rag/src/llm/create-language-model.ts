import { ConfigError, type LlmProviderConfig, type LlmProviders } from '@ragops/core';
import { createExtractive } from './extractive/extractive-language-model.ts';
import type { LanguageModel } from './language-model.ts';
import { createLlamaCpp } from './llama-cpp/create-llama-cpp.ts';
import { createOpenAI } from './openai/create-openai.ts';
import { createOpenAICompatible } from './openai-compatible/create-openai-compatible.ts';

// Named LLM providers an app configures (ragops.yaml `providers:`, RAGOPS_LLM_PROVIDERS); chain specs
// refer to them by name. The schema lives in core, where both apps read it; secrets arrive resolved.
export { type LlmProviderConfig, type LlmProviders, llmProviderConfigSchema, llmProvidersSchema } from '@ragops/core';

/** The providers every install has: the offline `extractive` default. */
export const DEFAULT_LLM_PROVIDERS: LlmProviders = { extractive: { type: 'extractive' } };

export type LanguageModelResolver = (provider: string, modelId: string) => LanguageModel;

/**
 * Turns provider config into a resolver `(provider, model) → LanguageModel`. Provider clients are
 * built once and shared; unknown provider names throw ConfigError naming the configured ones.
 * @example
 * const resolve = createLanguageModelResolver({ vllm: { type: 'openai-compatible', baseURL } });
 * const model = resolve('vllm', 'llama-3.1-8b');
 */
export function createLanguageModelResolver(
  providers: LlmProviders = {},
  options: {
    fetch?: typeof fetch;
    /** Providers built in code rather than config (benches, tests, embedding apps). */
    custom?: Record<string, (modelId: string) => LanguageModel>;
  } = {},
): LanguageModelResolver {
  const all = { ...DEFAULT_LLM_PROVIDERS, ...providers };
  const factories = new Map<string, (modelId: string) => LanguageModel>(Object.entries(options.custom ?? {}));
  return (provider, modelId) => {
    let factory = factories.get(provider);
    if (factory === undefined) {
      const config = all[provider];
      if (config === undefined) {
        throw new ConfigError(
          `Unknown LLM provider "${provider}". Configured: ${[...new Set([...Object.keys(all), ...factories.keys()])].join(', ')}. Add it to ragops.yaml providers.llm or RAGOPS_LLM_PROVIDERS.`,
        );
      }
      factory = build(provider, config, options.fetch);
      factories.set(provider, factory);
    }
    return factory(modelId);
  };
}

function build(name: string, config: LlmProviderConfig, fetch: typeof globalThis.fetch | undefined) {
  switch (config.type) {
    case 'openai':
      return createOpenAI({ apiKey: config.apiKey, baseURL: config.baseURL, fetch });
    case 'openai-compatible':
      return createOpenAICompatible({ name, ...config, fetch });
    case 'llama-cpp': {
      const { type: _type, ...settings } = config;
      return createLlamaCpp({ name, ...settings });
    }
    case 'extractive': {
      const factory = createExtractive(config);
      return (modelId: string) => factory(modelId);
    }
  }
}
