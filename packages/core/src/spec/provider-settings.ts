import { z } from 'zod';
import { formatZodError } from '../errors/format-zod-error.ts';
import { ConfigError } from '../errors/ragops-error.ts';
import { filterTextSchema } from '../names/filter-text.ts';

// The LLM provider block both apps read (STYLE.md §10: config used by both apps lives in core). One
// schema per provider type; `secret` is how an API key may be written: any string once resolved, only
// a `${ENV_VAR}` reference in ragops.yaml (the spec lives in git, secrets never do).
const envRefPattern = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const envRef = z
  .string()
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the message shows the literal ${ENV_VAR} syntax.
  .regex(envRefPattern, 'secrets are never stored in ragops.yaml: write a ${ENV_VAR} reference instead');
const urlOrRef = z.union([z.url(), envRef]);

const providerSchema = (secret: z.ZodType<string>, url: z.ZodType<string>) =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('openai'), apiKey: secret.optional(), baseURL: url.optional() }),
    z.strictObject({
      type: z.literal('openai-compatible'),
      baseURL: url,
      apiKey: secret.optional(),
      capabilities: z.strictObject({ streamUsage: z.boolean(), topP: z.boolean(), n: z.boolean() }).optional(),
    }),
    // A GGUF model run in-process (node-llama-cpp). Chains name it by the file's name without
    // `.gguf`, so a chain spec says which model it was evaluated with.
    z.strictObject({
      type: z.literal('llama-cpp'),
      // No NUL: node's fs throws a TypeError on one, which would surface as a crash, not a config error.
      modelPath: filterTextSchema(4096)
        .min(1)
        .regex(/\.gguf$/i, 'modelPath is a .gguf file'),
      contextSize: z.number().int().min(64).max(1_048_576).optional(),
      parallel: z.number().int().min(1).max(64).optional(),
      threads: z.number().int().min(1).max(256).optional(),
    }),
    z.strictObject({
      type: z.literal('extractive'),
      maxSentences: z.number().int().min(1).max(20).optional(),
      minCoverage: z.number().min(0).max(1).optional(),
    }),
  ]);

const providerNameSchema = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'provider names are lower-case: a-z, 0-9, _ or -');

/** One named LLM provider, secrets resolved (`openai`, `openai-compatible`: vLLM, Ollama, llama.cpp server, TGI; `llama-cpp`: a GGUF file in-process; `extractive`). */
export const llmProviderConfigSchema = providerSchema(z.string(), z.url());
export type LlmProviderConfig = z.infer<typeof llmProviderConfigSchema>;
export const llmProvidersSchema = z.record(providerNameSchema, llmProviderConfigSchema);
export type LlmProviders = z.infer<typeof llmProvidersSchema>;

/** Dollars per one million tokens, each way. Self-hosted models can be priced (GPU hours / tokens). */
export const tokenPriceSchema = z
  .object({
    inputPerMillionUsd: z.number().nonnegative(),
    outputPerMillionUsd: z.number().nonnegative(),
  })
  .strict();

/**
 * Price table keyed `provider/model`, where model may be `*` for every model of a provider:
 * `{ "openai/gpt-4o-mini": {inputPerMillionUsd: 0.15, outputPerMillionUsd: 0.6}, "vllm/*": {...} }`.
 */
export const priceTableSchema = z.record(
  z.string().regex(/^[^/\s]+\/\S+$/, 'keys are "provider/model" (model may be "*")'),
  tokenPriceSchema,
);
export type TokenPrice = z.infer<typeof tokenPriceSchema>;
export type PriceTable = z.infer<typeof priceTableSchema>;

/**
 * The `providers:` section of ragops.yaml: named LLM providers (`llm:`) and their prices (`prices:`).
 * API keys are `${ENV_VAR}` references, resolved from the environment when an app starts.
 * @example
 * providers:
 *   llm:
 *     vllm: { type: openai-compatible, baseURL: "http://gpu:8000/v1", apiKey: "${VLLM_API_KEY}" }
 *     local: { type: llama-cpp, modelPath: /models/qwen2.5-0.5b-instruct-q4_k_m.gguf }
 *   prices:
 *     "vllm/*": { inputPerMillionUsd: 0.05, outputPerMillionUsd: 0.1 }
 */
export const providersSpecSchema = z.strictObject({
  llm: z.record(providerNameSchema, providerSchema(envRef, urlOrRef)).default({}),
  prices: priceTableSchema.default({}),
});
export type ProvidersSpec = z.infer<typeof providersSpecSchema>;

/** LLM providers and prices as the apps run them: secrets resolved, environment merged in. */
export type ProviderSettings = { providers: LlmProviders; prices: PriceTable };

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The one place the apps turn configuration into LLM providers and prices: ragops.yaml `providers:`
 * (its `${ENV}` references resolved from `env`), then the environment on top — `OPENAI_API_KEY`
 * (adds an `openai` provider), `RAGOPS_LLM_PROVIDERS` and `RAGOPS_LLM_PRICES` (JSON), which win per
 * name. ConfigError naming every problem (`ragops.yaml providers.llm.vllm.apiKey: …`, `RAGOPS_LLM_PRICES: …`).
 * @example const { providers, prices } = resolveProviderSettings({ spec: loaded.spec.providers, env: process.env })
 */
export function resolveProviderSettings(input: {
  spec?: ProvidersSpec | undefined;
  /** Where the spec came from, for messages (default `ragops.yaml`). */
  specPath?: string;
  env: Env;
}): ProviderSettings {
  const problems: string[] = [];
  const where = `${input.specPath ?? 'ragops.yaml'} providers`;
  const fromSpec = input.spec ? resolveSpecProviders(input.spec, input.env, where, problems) : {};
  const envProviders = parseJsonEnv(input.env, 'RAGOPS_LLM_PROVIDERS', llmProvidersSchema, problems);
  const envPrices = parseJsonEnv(input.env, 'RAGOPS_LLM_PRICES', priceTableSchema, problems);
  if (problems.length > 0) throw new ConfigError(`Invalid LLM provider settings:\n${problems.join('\n')}`);
  const key = input.env.OPENAI_API_KEY;
  return {
    providers: {
      ...(key ? { openai: { type: 'openai' as const, apiKey: key } } : {}),
      ...fromSpec,
      ...envProviders,
    },
    prices: { ...input.spec?.prices, ...envPrices },
  };
}

function resolveSpecProviders(spec: ProvidersSpec, env: Env, where: string, problems: string[]): LlmProviders {
  const result = llmProvidersSchema.safeParse(substitute(spec.llm, `${where}.llm`, env, problems));
  if (!result.success) {
    problems.push(formatZodError(result.error, `${where}.llm`));
    return {};
  }
  return result.data;
}

/** Replaces each `${NAME}` string by the environment's value; a missing variable is a problem naming where. */
function substitute(value: unknown, path: string, env: Env, problems: string[]): unknown {
  if (typeof value === 'string') {
    const name = envRefPattern.exec(value)?.[1];
    if (name === undefined) return value;
    const resolved = env[name];
    if (resolved === undefined || resolved === '') {
      problems.push(`${path}: \${${name}} is not set in the environment`);
      return undefined;
    }
    return resolved;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, `${path}.${k}`, env, problems)]));
  }
  return value;
}

function parseJsonEnv<S extends z.ZodType>(
  env: Env,
  name: string,
  schema: S,
  problems: string[],
): z.output<S> | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    problems.push(`${name}: ${name} must be JSON (${(error as Error).message})`);
    return undefined;
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    problems.push(formatZodError(result.error, name));
    return undefined;
  }
  return result.data;
}
