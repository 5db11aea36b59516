import type { CallOptions } from '../embed/embedder.ts';

/** A chat message as providers receive it: plain text content only (RAG prompts are text). */
export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

/** A retrieved passage, numbered by its position (citation [1] is documents[0]). */
export type GroundingDocument = { chunkId: string; documentId: string; title?: string; text: string };

export type GenerateRequest = CallOptions & {
  messages: readonly ChatMessage[];
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: readonly string[];
  /** End-user id passed to providers that take one (OpenAI `user`). */
  user?: string;
  /**
   * The question and retrieved passages, for providers that answer from them directly (extractive).
   * Language models get the passages through the rendered prompt and ignore this field.
   */
  grounding?: { query: string; documents: readonly GroundingDocument[] };
  /**
   * Ask for a JSON reply matching `schema` (OpenAI `response_format: json_schema`). Servers that do
   * not accept it get the request without it and a warning: the caller still validates the reply.
   */
  responseFormat?: { type: 'json'; name: string; schema: Record<string, unknown> };
  /** Escape hatch keyed by provider name; each provider validates its own slice. */
  providerOptions?: Record<string, Record<string, unknown>>;
};

export const UNIFIED_FINISH_REASONS = ['stop', 'length', 'content-filter', 'error', 'other'] as const;
export type FinishReason = {
  unified: (typeof UNIFIED_FINISH_REASONS)[number];
  /** What the provider said, e.g. "stop", "length", "eos_token". */
  raw: string | undefined;
};

/** Token usage as the provider reported it; either side may be missing (then the runtime counts). */
export type ProviderUsage = { inputTokens?: number; outputTokens?: number };

export type GenerateResult = {
  text: string;
  finishReason: FinishReason;
  usage: ProviderUsage | undefined;
  /** What the provider ignored, dropped or truncated (e.g. a parameter the server does not accept). */
  warnings: string[];
  response?: { id?: string; modelId?: string };
};

export type StreamPart =
  | { type: 'text-delta'; delta: string }
  | { type: 'finish'; finishReason: FinishReason; usage: ProviderUsage | undefined };

export type StreamResult = {
  /**
   * Text deltas, then exactly one `finish` part. Iteration throws ProviderCallError if the stream
   * breaks midway (connection cut, malformed chunk).
   */
  stream: AsyncIterable<StreamPart>;
  warnings: string[];
};

/**
 * Narrow language-model interface (STYLE §3). App code calls `generate()` / `stream()` from
 * `llm/generate.ts`, which add retries, timeouts, fallbacks, token counting and cost.
 * `doGenerate` and `doStream` throw ProviderCallError on a failed call (retryable per status) and
 * rethrow the abort reason when `abortSignal` fires. `doStream` resolves once the provider has
 * accepted the request, so failures before the first byte can still be retried.
 */
export interface LanguageModel {
  readonly specificationVersion: 'v1';
  /** "openai", "openai-compatible", "extractive", …: for logs, traces and price tables. */
  readonly provider: string;
  readonly modelId: string;
  doGenerate(request: GenerateRequest): Promise<GenerateResult>;
  doStream(request: GenerateRequest): Promise<StreamResult>;
}

/** Maps an OpenAI-protocol finish_reason to the unified value. */
export function mapFinishReason(raw: string | null | undefined): FinishReason {
  switch (raw) {
    case 'stop':
    case 'eos_token':
    case 'stop_sequence':
      return { unified: 'stop', raw };
    case 'length':
      return { unified: 'length', raw };
    case 'content_filter':
      return { unified: 'content-filter', raw };
    case null:
    case undefined:
      return { unified: 'other', raw: undefined };
    default:
      return { unified: 'other', raw };
  }
}
