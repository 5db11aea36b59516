import { ConfigError } from '@ragops/core';
import { z } from 'zod';

/**
 * The `llm.params` of a chain spec the runtime understands. OpenAI spellings (`max_tokens`, `top_p`)
 * are accepted as aliases because specs are often copied from OpenAI examples. Other keys are kept
 * (the registry stores them) but not sent.
 */
const llmParamsSchema = z.looseObject({
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().gt(0).max(1).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  max_tokens: z.number().int().positive().optional(),
  stop: z.array(z.string()).max(4).optional(),
  /**
   * Per-attempt timeout (for streams: first part and between parts). At most setTimeout's 2^31 − 1 ms:
   * Node runs a longer timer after 1 ms, so a careless `timeoutMs: 3e9` timed out every attempt at once.
   */
  timeoutMs: z
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1)
    .optional(),
  maxRetries: z.number().int().min(0).max(10).optional(),
  /** Models tried in order when this one fails (e.g. self-hosted first, third-party second). */
  fallbacks: z.array(z.strictObject({ provider: z.string().min(1), model: z.string().min(1) })).optional(),
});

export type ChainLlmParams = {
  temperature?: number;
  topP?: number;
  maxOutputTokens?: number;
  stop?: string[];
  timeoutMs?: number;
  maxRetries?: number;
  fallbacks: { provider: string; model: string }[];
};

/** Parses `llm.params`; ConfigError naming the model version when they are malformed. */
export function parseChainLlmParams(params: Record<string, unknown>, where: string): ChainLlmParams {
  const parsed = llmParamsSchema.safeParse(params);
  if (!parsed.success) {
    throw new ConfigError(`${where}: invalid llm.params: ${z.prettifyError(parsed.error)}`);
  }
  const p = parsed.data;
  return {
    temperature: p.temperature,
    topP: p.topP ?? p.top_p,
    maxOutputTokens: p.maxOutputTokens ?? p.max_tokens,
    stop: p.stop,
    timeoutMs: p.timeoutMs,
    maxRetries: p.maxRetries,
    fallbacks: p.fallbacks ?? [],
  };
}
