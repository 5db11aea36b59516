import { ProviderCallError, RagopsError } from '@ragops/core';
import type { ChatHistoryItem, LlamaChat } from 'node-llama-cpp';
import { z } from 'zod';
import type {
  FinishReason,
  GenerateRequest,
  GenerateResult,
  LanguageModel,
  StreamPart,
  StreamResult,
} from '../language-model.ts';
import { type LlamaCppRuntime, type LlamaCppRuntimeOptions, loadLlamaCppRuntime } from './llama-cpp-runtime.ts';
import { PushStream } from './push-stream.ts';

// This provider's slice of providerOptions (judges pass a seed so a verdict repeats).
const llamaCppOptionsSchema = z.strictObject({
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .optional(),
});

/** Default answer budget when a request sets none: a RAG answer, not the whole context. */
const DEFAULT_MAX_OUTPUT_TOKENS = 512;

/**
 * A GGUF model run in-process by node-llama-cpp (llama.cpp's prebuilt CPU binaries from npm): no
 * server, no download. The model's own chat template renders the messages. `responseFormat` becomes
 * a grammar, so every sampled token keeps the reply valid JSON of the schema (an LLM judge on a
 * laptop); a schema the grammar compiler does not support falls back to any-JSON with a warning.
 * The model loads on the first call (seconds for a real model), then stays resident.
 */
export class LlamaCppLanguageModel implements LanguageModel {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  readonly modelId: string;
  readonly #runtime: LlamaCppRuntimeOptions;

  constructor(input: { provider: string; modelId: string; runtime: LlamaCppRuntimeOptions }) {
    this.provider = input.provider;
    this.modelId = input.modelId;
    this.#runtime = input.runtime;
  }

  async doGenerate(request: GenerateRequest): Promise<GenerateResult> {
    let text = '';
    const { stream, warnings } = await this.doStream(request);
    let finish: Extract<StreamPart, { type: 'finish' }> | undefined;
    for await (const part of stream) {
      if (part.type === 'text-delta') text += part.delta;
      else finish = part;
    }
    return {
      text,
      finishReason: finish!.finishReason,
      usage: finish!.usage,
      warnings,
      response: { modelId: this.modelId },
    };
  }

  async doStream(request: GenerateRequest): Promise<StreamResult> {
    request.abortSignal?.throwIfAborted();
    const parsed = llamaCppOptionsSchema.safeParse(request.providerOptions?.[this.provider] ?? {});
    if (!parsed.success) {
      throw new ProviderCallError({
        provider: this.provider,
        message: `invalid providerOptions.${this.provider}: ${z.prettifyError(parsed.error)}`,
        isRetryable: false,
      });
    }
    const runtime = await loadLlamaCppRuntime(this.#runtime);
    const warnings: string[] = [];
    const grammar = request.responseFormat ? await runtime.jsonGrammar(request.responseFormat.schema) : undefined;
    if (grammar && !grammar.exact) {
      warnings.push(
        `responseFormat ${request.responseFormat!.name}: node-llama-cpp cannot compile this JSON schema to a grammar; the reply is forced to be JSON, not to match the schema`,
      );
    }
    // A reader that stops early frees the sequence instead of generating on to maxOutputTokens.
    const cancel = new AbortController();
    const signal = request.abortSignal ? AbortSignal.any([request.abortSignal, cancel.signal]) : cancel.signal;
    const out = new PushStream<StreamPart>(() => cancel.abort(new Error('stream closed by its reader')));
    void runtime
      .withChat((chat) =>
        this.#generate({ chat, runtime, request, signal, grammar: grammar?.grammar, seed: parsed.data.seed, out }),
      )
      .catch((error: unknown) =>
        out.fail(request.abortSignal?.aborted ? request.abortSignal.reason : wrap(this.provider, error)),
      );
    return { stream: out, warnings };
  }

  async #generate(input: {
    chat: LlamaChat;
    runtime: LlamaCppRuntime;
    request: GenerateRequest;
    signal: AbortSignal;
    grammar: Awaited<ReturnType<LlamaCppRuntime['jsonGrammar']>>['grammar'] | undefined;
    seed: number | undefined;
    out: PushStream<StreamPart>;
  }): Promise<void> {
    const { chat, request, out } = input;
    const meter = chat.sequence.tokenMeter;
    const before = meter.getState();
    const result = await chat.generateResponse(toChatHistory(request.messages), {
      maxTokens: request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
      ...(request.temperature !== undefined && { temperature: request.temperature }),
      ...(request.topP !== undefined && { topP: request.topP }),
      ...(input.seed !== undefined && { seed: input.seed }),
      ...(request.stop?.length && { customStopTriggers: request.stop }),
      ...(input.grammar && { grammar: input.grammar }),
      signal: input.signal,
      onTextChunk: (delta) => out.push({ type: 'text-delta', delta }),
    });
    const used = meter.diff(before);
    out.push({
      type: 'finish',
      finishReason: finishReasonOf(result.metadata.stopReason),
      usage: { inputTokens: used.usedInputTokens, outputTokens: used.usedOutputTokens },
    });
    out.end();
  }
}

/** Our messages as node-llama-cpp's chat history, ending with the model's (empty) turn to fill. */
function toChatHistory(messages: GenerateRequest['messages']): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m) =>
    m.role === 'assistant' ? { type: 'model', response: [m.content] } : { type: m.role, text: m.content },
  );
  history.push({ type: 'model', response: [] });
  return history;
}

function finishReasonOf(raw: string): FinishReason {
  switch (raw) {
    case 'eogToken':
    case 'stopGenerationTrigger':
    case 'customStopTrigger':
      return { unified: 'stop', raw };
    case 'maxTokens':
      return { unified: 'length', raw };
    default:
      return { unified: 'other', raw };
  }
}

function wrap(provider: string, error: unknown): unknown {
  if (RagopsError.isInstance(error)) return error;
  // A failed local evaluation (context full, bad tokens) fails again on a retry.
  return new ProviderCallError({ provider, message: (error as Error).message, isRetryable: false, cause: error });
}
