import { ConfigError } from '@ragops/core';
import { type LlmProviders, llmProvidersSchema, type PriceTable, priceTableSchema } from '@ragops/rag';
import { z } from 'zod';

const jsonText = <S extends z.ZodType>(schema: S, what: string) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: `${what} must be JSON` });
        return z.NEVER;
      }
    })
    .pipe(schema);

const servingEnvSchema = z.object({
  // Named LLM providers as JSON, e.g. {"vllm":{"type":"openai-compatible","baseURL":"http://gpu:8000/v1"}}.
  // `extractive` (offline, not a language model) is always there.
  RAGOPS_LLM_PROVIDERS: jsonText(llmProvidersSchema, 'RAGOPS_LLM_PROVIDERS').optional(),
  // Key of the third-party OpenAI API; when set, an `openai` provider is added.
  OPENAI_API_KEY: z.string().optional(),
  // Price table JSON: {"openai/gpt-4o-mini":{"inputPerMillionUsd":0.15,"outputPerMillionUsd":0.6},"vllm/*":{...}}.
  RAGOPS_LLM_PRICES: jsonText(priceTableSchema, 'RAGOPS_LLM_PRICES').optional(),
  // How stale an alias → version (and endpoint config) may be on this replica, in milliseconds.
  RAGOPS_ALIAS_STALENESS_MS: z.coerce.number().int().min(0).max(3_600_000).default(1_000),
  // Inference rows waiting to be written; past it new rows are dropped (counted and logged).
  RAGOPS_INFERENCE_QUEUE_MAX: z.coerce.number().int().min(1).default(50_000),
  // Rows per write transaction.
  RAGOPS_INFERENCE_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  // Longest a row waits in the queue before a write, in milliseconds.
  RAGOPS_INFERENCE_FLUSH_MS: z.coerce.number().int().min(1).max(60_000).default(200),
  // What of the request messages and answer is stored: full text, redacted (e-mails, long digit runs), or none.
  RAGOPS_INFERENCE_CONTENT: z.enum(['full', 'redacted', 'none']).default('full'),
  // Share of rows whose content is stored (the typed columns are always written), 0..1.
  RAGOPS_INFERENCE_CONTENT_SAMPLE: z.coerce.number().min(0).max(1).default(1),
});

/** Serving's settings (LLM providers, prices, staleness bound, inference-table writer). */
export type ServingConfig = {
  providers: LlmProviders;
  prices: PriceTable;
  aliasStalenessMs: number;
  inference: {
    queueMax: number;
    batchSize: number;
    flushMs: number;
    content: 'full' | 'redacted' | 'none';
    contentSampleRate: number;
  };
};

/** Parses serving's environment variables; ConfigError listing every problem. */
export function loadServingConfig(env: Readonly<Record<string, string | undefined>> = process.env): ServingConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = servingEnvSchema.safeParse(present);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid serving environment:\n${lines.join('\n')}`);
  }
  const e = result.data;
  return {
    providers: {
      ...(e.OPENAI_API_KEY ? { openai: { type: 'openai' as const, apiKey: e.OPENAI_API_KEY } } : {}),
      ...e.RAGOPS_LLM_PROVIDERS,
    },
    prices: e.RAGOPS_LLM_PRICES ?? {},
    aliasStalenessMs: e.RAGOPS_ALIAS_STALENESS_MS,
    inference: {
      queueMax: e.RAGOPS_INFERENCE_QUEUE_MAX,
      batchSize: e.RAGOPS_INFERENCE_BATCH_SIZE,
      flushMs: e.RAGOPS_INFERENCE_FLUSH_MS,
      content: e.RAGOPS_INFERENCE_CONTENT,
      contentSampleRate: e.RAGOPS_INFERENCE_CONTENT_SAMPLE,
    },
  };
}
