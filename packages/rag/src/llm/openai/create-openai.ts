import { ConfigError } from '@ragops/core';
import type { LanguageModel } from '../language-model.ts';
import { createChatTransport } from './chat-transport.ts';
import { OpenAIChatLanguageModel } from './openai-chat-language-model.ts';
import { ALL_CAPABILITIES } from './openai-chat-request.ts';

export type OpenAIProviderSettings = {
  /** Required; the app reads it from its config (packages never read process.env). */
  apiKey: string | undefined;
  /** Default https://api.openai.com/v1; tests point it at the loopback server. */
  baseURL?: string;
  organization?: string;
  fetch?: typeof fetch;
};

/**
 * The third-party OpenAI API (chat-transport.ts).
 * @example
 * const model = createOpenAI({ apiKey: config.OPENAI_API_KEY })('gpt-4o-mini');
 */
export function createOpenAI(settings: OpenAIProviderSettings): (modelId: string) => LanguageModel {
  if (!settings.apiKey) {
    throw new ConfigError(
      'The openai provider needs an API key. Pass it as `apiKey` (the server reads OPENAI_API_KEY into its config).',
    );
  }
  const transport = createChatTransport({
    provider: 'openai',
    apiKey: settings.apiKey,
    baseURL: settings.baseURL ?? 'https://api.openai.com/v1',
    ...(settings.organization && { organization: settings.organization }),
    ...(settings.fetch && { fetch: settings.fetch }),
  });
  const capabilities = Promise.resolve(ALL_CAPABILITIES);
  return (modelId) =>
    new OpenAIChatLanguageModel(modelId, {
      provider: 'openai',
      transport,
      capabilities: () => capabilities,
      maxTokensParam: 'max_completion_tokens',
    });
}
