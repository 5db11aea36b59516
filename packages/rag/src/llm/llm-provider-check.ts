import { InvalidInputError, type ProvidersSpec, parseReranker } from '@ragops/core';
import { DEFAULT_LLM_PROVIDERS } from './create-language-model.ts';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The LLM provider names a process configured like this one would serve: the built-in `extractive`,
 * ragops.yaml `providers.llm`, `openai` when OPENAI_API_KEY is set, and the keys of RAGOPS_LLM_PROVIDERS
 * — the sources `resolveProviderSettings` reads, by name only (no secret needs to be set to know a name).
 */
export function configuredLlmProviderNames(input: { spec?: ProvidersSpec | undefined; env?: Env }): string[] {
  const env = input.env ?? {};
  let fromEnv: string[] = [];
  try {
    const parsed: unknown = JSON.parse(env.RAGOPS_LLM_PROVIDERS ?? '{}');
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) fromEnv = Object.keys(parsed);
  } catch (error) {
    // A malformed RAGOPS_LLM_PROVIDERS stops the server at startup with its own message; here it names nothing.
    void error;
  }
  return [
    ...new Set([
      ...Object.keys(DEFAULT_LLM_PROVIDERS),
      ...Object.keys(input.spec?.llm ?? {}),
      ...(env.OPENAI_API_KEY ? ['openai'] : []),
      ...fromEnv,
    ]),
  ].sort();
}

/** Every provider a chain's LLM block names: the provider, then its `params.fallbacks`. */
export function llmProvidersOf(llm: { provider: string; params?: Record<string, unknown> }): string[] {
  const fallbacks = Array.isArray(llm.params?.fallbacks) ? llm.params.fallbacks : [];
  const names = fallbacks.map((f: unknown) =>
    typeof f === 'object' && f !== null ? (f as { provider?: unknown }).provider : undefined,
  );
  return [llm.provider, ...names.filter((n): n is string => typeof n === 'string')];
}

/**
 * Refuses (InvalidInputError naming `where`) a chain whose LLM or fallbacks name a provider outside
 * `known`: registered, it would fail on its first request.
 */
export function assertLlmProvidersConfigured(input: {
  llm: { provider: string; params?: Record<string, unknown> };
  known: readonly string[];
  where: string;
}): void {
  refuseUnknown(llmProvidersOf(input.llm), input.known, input.where);
}

/**
 * The same for a `retriever.reranker` of `llm:<provider>/<model>` (already checked by its schema):
 * registered with a provider outside `known`, every request would fall back to the fused order.
 */
export function assertRerankerProviderConfigured(input: {
  reranker: string | undefined;
  known: readonly string[];
  where: string;
}): void {
  const spec = input.reranker === undefined ? undefined : parseReranker(input.reranker);
  if (spec?.kind === 'llm') refuseUnknown([spec.provider], input.known, input.where);
}

function refuseUnknown(names: readonly string[], known: readonly string[], where: string): void {
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length === 0) return;
  throw new InvalidInputError(
    `${where}: LLM provider ${unknown.map((n) => `"${n}"`).join(', ')} is not configured (configured: ${known.join(', ')}). ` +
      'Declare it under providers.llm in ragops.yaml (the server reads the same file) or in RAGOPS_LLM_PROVIDERS, or name a configured one.',
    { details: { unknownProviders: unknown, configuredProviders: [...known] } },
  );
}
