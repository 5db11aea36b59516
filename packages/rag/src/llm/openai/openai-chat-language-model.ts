import { ProviderCallError } from '@ragops/core';
import {
  type FinishReason,
  type GenerateRequest,
  type GenerateResult,
  type LanguageModel,
  mapFinishReason,
  type ProviderUsage,
  type StreamPart,
  type StreamResult,
} from '../language-model.ts';
import type { ChatTransport } from './chat-transport.ts';
import {
  buildChatBody,
  type ChatCapabilities,
  chatChunkSchema,
  chatCompletionSchema,
  needsStructuredCapabilities,
  type StructuredCapabilities,
  toProviderError,
} from './openai-chat-request.ts';

export type OpenAIChatConfig = {
  provider: string;
  /** POST /chat/completions (chat-transport.ts). */
  transport: ChatTransport;
  /** Resolved before each call; the compatible provider probes the server once per baseURL. */
  capabilities: () => Promise<ChatCapabilities>;
  /** Probed the first time a request asks for a JSON schema or a seed; absent: assume both work. */
  structuredCapabilities?: () => Promise<StructuredCapabilities>;
  maxTokensParam: 'max_tokens' | 'max_completion_tokens';
  /**
   * Forgets what the server was found to accept. Called when it rejects an optional parameter the
   * probe said it accepts (the server changed); the call is then retried once on a fresh probe.
   */
  reprobe?: () => void;
};

// A 400/422 that names one of the optional parameters we may leave out.
const REJECTED_OPTIONAL = /stream_options|include_usage|top_p|\bn\b|response_format|json_schema|\bseed\b/;

/**
 * A chat model on the OpenAI protocol: our request body (openai-chat-request.ts) over our transport
 * (chat-transport.ts: undici's keep-alive pool; the official SDK cost ~5× its CPU per call), the
 * reply checked by our schemas. Shared by the `openai` and `openai-compatible` providers. One
 * attempt per call: the runtime retries, with jitter, across a fallback chain.
 */
export class OpenAIChatLanguageModel implements LanguageModel {
  readonly specificationVersion = 'v1';
  readonly modelId: string;
  readonly #config: OpenAIChatConfig;

  constructor(modelId: string, config: OpenAIChatConfig) {
    this.modelId = modelId;
    this.#config = config;
  }

  get provider(): string {
    return this.#config.provider;
  }

  doGenerate(request: GenerateRequest): Promise<GenerateResult> {
    return this.#adapting(() => this.#generate(request));
  }

  doStream(request: GenerateRequest): Promise<StreamResult> {
    return this.#adapting(() => this.#stream(request));
  }

  async #adapting<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const rejected =
        ProviderCallError.isInstance(error) &&
        (error.statusCode === 400 || error.statusCode === 422) &&
        REJECTED_OPTIONAL.test(error.message);
      if (!rejected || !this.#config.reprobe) throw error;
      this.#config.reprobe();
      return call();
    }
  }

  async #generate(request: GenerateRequest): Promise<GenerateResult> {
    const { body, warnings } = await this.#body(request, false);
    let json: unknown;
    try {
      json = await this.#config.transport.complete(body, request.abortSignal);
    } catch (error) {
      throw toProviderError(this.provider, error, request.abortSignal);
    }
    const parsed = chatCompletionSchema.safeParse(json);
    if (!parsed.success) {
      throw new ProviderCallError({
        provider: this.provider,
        message: 'unexpected chat completion shape',
        cause: parsed.error,
        isRetryable: false,
      });
    }
    const choice = parsed.data.choices[0]!;
    const usage = parsed.data.usage;
    return {
      text: choice.message.content ?? '',
      finishReason: mapFinishReason(choice.finish_reason),
      usage: usage ? { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens } : undefined,
      warnings,
      response: { id: parsed.data.id, modelId: parsed.data.model },
    };
  }

  async #stream(request: GenerateRequest): Promise<StreamResult> {
    const { body, warnings } = await this.#body(request, true);
    let events: AsyncIterable<unknown>;
    try {
      events = await this.#config.transport.stream(body, request.abortSignal);
    } catch (error) {
      throw toProviderError(this.provider, error, request.abortSignal);
    }
    return { stream: this.#parts(events, request.abortSignal), warnings };
  }

  async *#parts(events: AsyncIterable<unknown>, abortSignal: AbortSignal | undefined): AsyncGenerator<StreamPart> {
    let finishReason: FinishReason | undefined;
    let usage: ProviderUsage | undefined;
    try {
      for await (const raw of events) {
        const chunk = chatChunkSchema.safeParse(raw);
        if (!chunk.success) {
          throw new ProviderCallError({
            provider: this.provider,
            message: 'malformed stream chunk',
            cause: chunk.error,
          });
        }
        if (chunk.data.usage) {
          usage = { inputTokens: chunk.data.usage.prompt_tokens, outputTokens: chunk.data.usage.completion_tokens };
        }
        const choice = chunk.data.choices[0];
        if (choice?.delta?.content) yield { type: 'text-delta', delta: choice.delta.content };
        if (choice?.finish_reason) finishReason = mapFinishReason(choice.finish_reason);
      }
    } catch (error) {
      throw toProviderError(this.provider, error, abortSignal);
    }
    if (finishReason === undefined) {
      // A clean end of the byte stream without a finish_reason is a cut stream, not an answer.
      throw new ProviderCallError({ provider: this.provider, message: 'stream ended before a finish_reason' });
    }
    yield { type: 'finish', finishReason, usage };
  }

  async #body(request: GenerateRequest, stream: boolean) {
    let capabilities = await this.#config.capabilities();
    const structured = this.#config.structuredCapabilities;
    if (structured && needsStructuredCapabilities(request, this.provider)) {
      capabilities = { ...capabilities, ...(await structured()) };
    }
    return buildChatBody({
      provider: this.provider,
      modelId: this.modelId,
      request,
      capabilities,
      maxTokensParam: this.#config.maxTokensParam,
      stream,
    });
  }
}
