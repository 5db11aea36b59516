import { ProviderCallError } from '@ragops/core';
import { z } from 'zod';
import type { GenerateRequest } from '../language-model.ts';

/** What an OpenAI-protocol server accepts beyond `model` and `messages`; `true` unless probed otherwise. */
export type ChatCapabilities = {
  /** `stream_options: {include_usage: true}` (usage in the last streamed chunk). */
  streamUsage: boolean;
  topP: boolean;
  n: boolean;
  /** `response_format: {type: 'json_schema'}`; probed only once a request asks for it (undefined: not probed). */
  jsonSchema?: boolean;
  /** `seed`; probed with `jsonSchema`. */
  seed?: boolean;
};

/** The capabilities probed only when a request first needs them (judges), so serving pays no probe for them. */
export type StructuredCapabilities = Required<Pick<ChatCapabilities, 'jsonSchema' | 'seed'>>;

export const ALL_CAPABILITIES: ChatCapabilities = {
  streamUsage: true,
  topP: true,
  n: true,
  jsonSchema: true,
  seed: true,
};

/** True when a request uses a parameter of StructuredCapabilities. */
export function needsStructuredCapabilities(request: GenerateRequest, provider: string): boolean {
  return request.responseFormat !== undefined || request.providerOptions?.[provider]?.seed !== undefined;
}

/** The slice of `providerOptions[provider]` this family reads; anything else is refused. */
const providerOptionsSchema = z
  .object({
    n: z.number().int().positive().optional(),
    seed: z.number().int().optional(),
  })
  .strict();

export type ChatBody = Record<string, unknown> & { model: string; messages: unknown[] };

/**
 * Builds the chat-completions body, leaving out what the server does not accept and saying so in
 * `warnings` (so a strict self-hosted server never fails a request over an optional parameter).
 */
export function buildChatBody(input: {
  provider: string;
  modelId: string;
  request: GenerateRequest;
  capabilities: ChatCapabilities;
  /** OpenAI prefers `max_completion_tokens`; self-hosted servers know `max_tokens`. */
  maxTokensParam: 'max_tokens' | 'max_completion_tokens';
  stream: boolean;
}): { body: ChatBody; warnings: string[] } {
  const { request, capabilities } = input;
  const warnings: string[] = [];
  const parsed = providerOptionsSchema.safeParse(request.providerOptions?.[input.provider] ?? {});
  if (!parsed.success) {
    throw new ProviderCallError({
      provider: input.provider,
      message: `invalid providerOptions.${input.provider}: ${z.prettifyError(parsed.error)}`,
      isRetryable: false,
    });
  }
  const options = parsed.data;
  const body: ChatBody = {
    model: input.modelId,
    messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
  };
  if (request.maxOutputTokens !== undefined) body[input.maxTokensParam] = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.stop !== undefined && request.stop.length > 0) body.stop = [...request.stop];
  if (request.user !== undefined) body.user = request.user;
  if (options.seed !== undefined) {
    if (capabilities.seed !== false) body.seed = options.seed;
    else warnings.push('seed is not accepted by this server and was not sent');
  }
  if (request.responseFormat !== undefined) {
    const { name, schema } = request.responseFormat;
    if (capabilities.jsonSchema !== false) {
      body.response_format = { type: 'json_schema', json_schema: { name, schema, strict: true } };
    } else warnings.push('response_format is not accepted by this server and was not sent');
  }
  if (request.topP !== undefined) {
    if (capabilities.topP) body.top_p = request.topP;
    else warnings.push('top_p is not accepted by this server and was not sent');
  }
  if (options.n !== undefined) {
    if (capabilities.n) body.n = options.n;
    else warnings.push('n is not accepted by this server and was not sent');
  }
  if (input.stream) {
    body.stream = true;
    if (capabilities.streamUsage) body.stream_options = { include_usage: true };
  }
  return { body, warnings };
}

/**
 * Turns whatever a call threw into ProviderCallError; rethrows the abort reason when our own
 * signal fired (the runtime decides whether that was a timeout or the client going away).
 */
export function toProviderError(provider: string, error: unknown, abortSignal: AbortSignal | undefined): unknown {
  if (abortSignal?.aborted) return abortSignal.reason;
  if (ProviderCallError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderCallError({ provider, message: `call failed: ${message}`, cause: error });
}

// Minimal reply schemas: only what we read.
export const chatCompletionSchema = z.object({
  id: z.string().optional(),
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullish(),
});

export const chatChunkSchema = z.object({
  id: z.string().optional(),
  choices: z.array(
    z.object({
      delta: z.object({ content: z.string().nullish() }).nullish(),
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullish(),
});
