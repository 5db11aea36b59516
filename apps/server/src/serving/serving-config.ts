import { existsSync, readFileSync } from 'node:fs';
import {
  ConfigError,
  type LlmProviders,
  type PriceTable,
  parseRagopsSpec,
  RagopsError,
  resolveProviderSettings,
} from '@ragops/core';
import { z } from 'zod';

// LLM providers and prices come from ragops.yaml `providers:` plus RAGOPS_LLM_PROVIDERS, OPENAI_API_KEY
// and RAGOPS_LLM_PRICES (resolveProviderSettings in @ragops/core: the CLI reads the same block the same way).
const servingEnvSchema = z.object({
  // The spec whose `providers:` section configures LLM providers; unset: ./ragops.yaml when it exists.
  RAGOPS_SPEC: z.string().optional(),
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
  const lines = result.success ? [] : result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
  let settings: { providers: LlmProviders; prices: PriceTable } = { providers: {}, prices: {} };
  try {
    settings = resolveProviderSettings({ ...readProvidersSpec(present.RAGOPS_SPEC), env: present });
  } catch (error) {
    if (!RagopsError.isInstance(error)) throw error;
    // resolveProviderSettings' first line is its own heading; keep its problem lines.
    lines.unshift(...error.message.split('\n').slice(error.code === 'config_error' ? 1 : 0));
  }
  if (!result.success || lines.length > 0) {
    throw new ConfigError(`Invalid serving environment:\n${lines.join('\n')}`);
  }
  const e = result.data;
  return {
    ...settings,
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

/** The `providers:` section of the spec file (RAGOPS_SPEC, else ./ragops.yaml when present). */
function readProvidersSpec(specPath: string | undefined) {
  const path = specPath ?? 'ragops.yaml';
  if (specPath === undefined && !existsSync(path)) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`RAGOPS_SPEC: cannot read ${path}`, { cause: error });
  }
  return { spec: parseRagopsSpec(text, path).spec.providers, specPath: path };
}
