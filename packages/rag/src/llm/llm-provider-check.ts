import { InvalidInputError, type ProvidersSpec } from '@ragops/core';
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
  const unknown = llmProvidersOf(input.llm).filter((name) => !input.known.includes(name));
  if (unknown.length === 0) return;
  throw new InvalidInputError(
    `${input.where}: LLM provider ${unknown.map((n) => `"${n}"`).join(', ')} is not configured (configured: ${input.known.join(', ')}). ` +
      'Declare it under providers.llm in ragops.yaml (the server reads the same file) or in RAGOPS_LLM_PROVIDERS, or name a configured one.',
    { details: { unknownProviders: unknown, configuredProviders: [...input.known] } },
  );
}
