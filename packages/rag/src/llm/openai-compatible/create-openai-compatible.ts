import type { LanguageModel } from '../language-model.ts';
import { createChatTransport } from '../openai/chat-transport.ts';
import { OpenAIChatLanguageModel } from '../openai/openai-chat-language-model.ts';
import type { ChatCapabilities } from '../openai/openai-chat-request.ts';
import { forgetCapabilities, probeCapabilities, probeStructuredCapabilities } from './probe-capabilities.ts';

export type OpenAICompatibleProviderSettings = {
  /** Provider name for logs and price tables, e.g. "vllm", "ollama"; default "openai-compatible". */
  name?: string;
  /** The server's OpenAI base URL, e.g. http://gpu-box:8000/v1 (vLLM) or http://localhost:11434/v1 (Ollama). */
  baseURL: string;
  /** Optional: many self-hosted servers take none, and then no Authorization header is sent. */
  apiKey?: string;
  /** Declared capabilities skip the probe; omit to probe the server once per baseURL. */
  capabilities?: ChatCapabilities;
  fetch?: typeof fetch;
};

/**
 * Self-hosted servers speaking the OpenAI protocol (vLLM, Ollama, llama.cpp server, TGI).
 * Optional parameters a server rejects are found by one probe and then left out (with a warning),
 * so a strict server never fails a request over them.
 */
export function createOpenAICompatible(settings: OpenAICompatibleProviderSettings): (modelId: string) => LanguageModel {
  const provider = settings.name ?? 'openai-compatible';
  const transport = createChatTransport({
    provider,
    baseURL: settings.baseURL,
    ...(settings.apiKey && { apiKey: settings.apiKey }),
    ...(settings.fetch && { fetch: settings.fetch }),
  });
  return (modelId) =>
    new OpenAIChatLanguageModel(modelId, {
      provider,
      transport,
      capabilities: async () =>
        settings.capabilities ?? probeCapabilities({ provider, baseURL: settings.baseURL, transport, modelId }),
      structuredCapabilities: async () =>
        settings.capabilities?.jsonSchema !== undefined && settings.capabilities.seed !== undefined
          ? { jsonSchema: settings.capabilities.jsonSchema, seed: settings.capabilities.seed }
          : probeStructuredCapabilities({ provider, baseURL: settings.baseURL, transport, modelId }),
      maxTokensParam: 'max_tokens',
      ...(settings.capabilities ? {} : { reprobe: () => forgetCapabilities(settings.baseURL) }),
    });
}
