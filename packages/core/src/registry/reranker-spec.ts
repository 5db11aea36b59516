import { z } from 'zod';

/**
 * A chain's reranking stage, as ragops.yaml and a model version's package write it
 * (`retriever.reranker`, docs/indexes.md): `none` keeps the retrieval order, `lexical` is the offline
 * BM25-of-phrases stage hybrid retrieval runs by default, `llm:<provider>/<model>` asks a configured
 * LLM provider to reorder the passages. Absent: what the mode does by default (lexical for hybrid).
 */
export type RerankerSpec =
  | { kind: 'none' }
  | { kind: 'lexical' }
  | { kind: 'llm'; provider: string; model: string; spec: string };

// Provider names as `providers.llm` allows them; the model is the rest (it may hold `/`, e.g. `org/model`),
// without whitespace or control characters (a NUL or an escape would reach the provider's request).
const RERANKER_PATTERN = /^(?:none|lexical|llm:[a-z][a-z0-9_-]*\/[^\s\p{Cc}/][^\s\p{Cc}]*)$/u;

export const rerankerSchema = z
  .string()
  .max(300)
  .regex(RERANKER_PATTERN, 'must be none, lexical or llm:<provider>/<model> (a provider from providers:)');

/** The parts of a reranker string that `rerankerSchema` accepted. */
export function parseReranker(spec: string): RerankerSpec {
  if (spec === 'none' || spec === 'lexical') return { kind: spec };
  const slash = spec.indexOf('/');
  return { kind: 'llm', provider: spec.slice('llm:'.length, slash), model: spec.slice(slash + 1), spec };
}
