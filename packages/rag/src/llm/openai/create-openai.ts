import { ConfigError } from '@ragops/core';
import type { LanguageModel } from '../language-model.ts';
import { OpenAIChatLanguageModel } from './openai-chat-language-model.ts';
import { ALL_CAPABILITIES } from './openai-chat-request.ts';
import { lazyOpenAIClient } from './openai-sdk.ts';

export type OpenAIProviderSettings = {
  /** Required; the app reads it from its config (packages never read process.env). */
  apiKey: string | undefined;
  /** Default https://api.openai.com/v1; tests point it at the loopback server. */
  baseURL?: string;
  organization?: string;
  fetch?: typeof fetch;
};

/**
 * The third-party OpenAI API through the official SDK.
 * @example
 * const model = createOpenAI({ apiKey: config.OPENAI_API_KEY })('gpt-4o-mini');
 */
export function createOpenAI(settings: OpenAIProviderSettings): (modelId: string) => LanguageModel {
  if (!settings.apiKey) {
    throw new ConfigError(
      'The openai provider needs an API key. Pass it as `apiKey` (the server reads OPENAI_API_KEY into its config).',
    );
  }
  const client = lazyOpenAIClient({
    apiKey: settings.apiKey,
    baseURL: settings.baseURL ?? 'https://api.openai.com/v1',
    organization: settings.organization ?? null,
    project: null,
    // The runtime retries with jitter across a fallback chain, and owns timeouts through abort.
    maxRetries: 0,
    timeout: 600_000,
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
  });
  const capabilities = Promise.resolve(ALL_CAPABILITIES);
  return (modelId) =>
    new OpenAIChatLanguageModel(modelId, {
      provider: 'openai',
      client,
      capabilities: () => capabilities,
      maxTokensParam: 'max_completion_tokens',
    });
}
