import type { LanguageModel } from '@ragops/rag';
import type { AppContext, RagopsApp } from '../app-context.ts';
import { API_BASE } from '../routes/api-base.ts';
import { createEndpointApiRoutes } from './endpoint-api-routes.ts';
import { createOpenAIRoutes } from './openai-routes.ts';
import { loadServingConfig, type ServingConfig } from './serving-config.ts';
import { createServingMetrics } from './serving-metrics.ts';
import { describeServingRoutes } from './serving-openapi.ts';
import { ServingRuntime } from './serving-runtime.ts';

export type ServingOptions = {
  /** Default: parsed from the process environment (see serving-config.ts). */
  config?: ServingConfig;
  /** Traffic split and sampling randomness (tests). */
  random?: () => number;
  /** For hosted LLM providers (tests). */
  fetch?: typeof fetch;
  /** LLM providers built in code, by name (the serving bench's instant model). */
  customProviders?: Record<string, (modelId: string) => LanguageModel>;
  /** Server processes sharing the port (startServer passes its cluster's count; default 1). */
  workers?: number;
};

/**
 * Mounts serving: `POST /v1/chat/completions`, `GET /v1/models`, `POST /serving-endpoints/{name}/invocations`
 * (OpenAI error shape) and the management API `/api/v1/endpoints`, `/api/v1/inference`. Registers
 * the inference-table flush as a shutdown hook. Returns the runtime (tests, bench).
 */
export function registerServingRoutes(app: RagopsApp, ctx: AppContext, options: ServingOptions = {}): ServingRuntime {
  const config = options.config ?? loadServingConfig();
  let runtime: ServingRuntime | undefined;
  const metrics = createServingMetrics(ctx.metrics, () => runtime?.inferenceLog.queued ?? 0);
  runtime = new ServingRuntime({
    store: ctx.store,
    home: ctx.config.home,
    config,
    logger: ctx.logger,
    metrics,
    ...(options.random && { random: options.random }),
    ...(options.fetch && { fetch: options.fetch }),
    ...(options.customProviders && { customProviders: options.customProviders }),
    ...(options.workers && { workers: options.workers }),
  });
  const served = runtime;
  ctx.onShutdown(() => served.close());
  app.route('/', createOpenAIRoutes(ctx, served));
  app.route(API_BASE, createEndpointApiRoutes(ctx));
  describeServingRoutes(app, API_BASE);
  return served;
}
