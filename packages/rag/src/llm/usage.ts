import { estimateTokens } from '../chunk/token-length.ts';
import type { ChatMessage, ProviderUsage } from './language-model.ts';

/** Final token usage of a call. `source` says whether the provider reported it or we counted. */
export type Usage = {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  source: 'provider' | 'counted' | 'mixed';
};

/**
 * Prompt tokens the way OpenAI bills chat messages (cl100k_base, ~4 tokens of framing per message
 * plus 3 for the reply's priming). An estimate for other tokenizers, but a stable and local one:
 * the ranks ship with gpt-tokenizer and are never fetched. Runs on the request path, so its work is
 * bounded whatever the caller sends (estimateTokens: exact up to EXACT_TOKEN_BUDGET, sampled beyond).
 */
export function countPromptTokens(messages: readonly ChatMessage[]): number {
  return 4 * messages.length + 3 + estimateTokens(messages.map((m) => m.content));
}

/** Fills what the provider did not report by counting server-side. */
export function resolveUsage(
  reported: ProviderUsage | undefined,
  messages: readonly ChatMessage[],
  outputText: string,
): Usage {
  const inputTokens = reported?.inputTokens ?? countPromptTokens(messages);
  const outputTokens = reported?.outputTokens ?? estimateTokens([outputText]);
  const fromProvider = [reported?.inputTokens, reported?.outputTokens].filter((v) => v !== undefined).length;
  const source = fromProvider === 2 ? 'provider' : fromProvider === 0 ? 'counted' : 'mixed';
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, source };
}
