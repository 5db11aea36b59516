import type { ServingOptions } from '../../apps/server/src/serving/register-serving-routes.ts';
import { loadServingConfig } from '../../apps/server/src/serving/serving-config.ts';
import { InstantLanguageModel } from './instant-language-model.ts';

/**
 * The serving options every ragops side of bench:serving runs with: the default serving config of
 * an empty environment (inference batch 500, flush 200 ms, full content), a price for the bench-only
 * `instant` LLM, the `loopback` provider of the bench-http endpoint when BENCH_LLM_URL is set, and
 * the instant LLM itself as a custom provider. Shared by the single-process `ragops` side
 * (serving-bench-server.ts) and the `ragopsWorkers` cluster (serving-bench-workers.ts).
 */
export function benchServingOptions(): ServingOptions {
  const serving = loadServingConfig({});
  return {
    config: {
      ...serving,
      prices: { 'instant/*': { inputPerMillionUsd: 0.1, outputPerMillionUsd: 0.2 } },
      // The bench-http endpoint's LLM: a real HTTP call to the loopback `llm` child.
      ...(process.env.BENCH_LLM_URL && {
        providers: {
          ...serving.providers,
          loopback: { type: 'openai-compatible' as const, baseURL: process.env.BENCH_LLM_URL, apiKey: 'bench' },
        },
      }),
    },
    customProviders: { instant: (modelId) => new InstantLanguageModel(modelId) },
  };
}
