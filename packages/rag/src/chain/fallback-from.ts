import type { ChainAnswer } from './chain-types.ts';

/**
 * `provider/model` of the chain's own LLM when another one answered, else null: the first failed
 * attempt is the chain's own model (models are tried in order), so a different answering model means
 * a fallback. The one rule for the inference table's `llmFallbackFrom`, served and in-process alike.
 */
export function fallbackFrom(answer: Pick<ChainAnswer, 'failures' | 'provider' | 'modelId'>): string | null {
  const first = answer.failures[0];
  if (!first || (first.provider === answer.provider && first.modelId === answer.modelId)) return null;
  return `${first.provider}/${first.modelId}`;
}
