import { OpenAPIHono } from '@hono/zod-openapi';
import type { MetadataStore } from '@ragops/core';
import { DEFAULT_LLM_PROVIDERS } from '@ragops/rag';
import { requestId } from 'hono/request-id';
import type { AppContext, RagopsApp } from './app-context.ts';
import type { AppEnv } from './app-env.ts';
import type { ServerConfig } from './config.ts';
import { registerConsoleRoutes } from './console/register-console-routes.ts';
import { errorResponse } from './errors/error-response.ts';
import { createLifecycle, type Lifecycle } from './lifecycle.ts';
import { createServerLogger, type ServerLogger } from './logger.ts';
import { createServerMetrics, httpMetrics, type ServerMetrics } from './metrics.ts';
import { bearerAuth } from './middleware/bearer-auth.ts';
import { bodySizeLimit } from './middleware/body-size-limit.ts';
import { errorHandler, notFoundHandler } from './middleware/error-handler.ts';
import { jsonDepthLimit } from './middleware/json-depth-limit.ts';
import { requestLogger } from './middleware/request-logger.ts';
import { createTokenAuthenticator, type TokenCacheOptions } from './middleware/token-cache.ts';
import { validationHook } from './middleware/validation-hook.ts';
import { API_BASE } from './routes/api-base.ts';
import { registerDocsRoutes } from './routes/docs.ts';
import { registerEvalRunRoutes } from './routes/eval-runs.ts';
import { registerFeedbackRoutes } from './routes/feedback.ts';
import { registerMonitoringRoutes } from './routes/monitoring.ts';
import { registerMonitoringOpsRoutes } from './routes/monitoring-ops.ts';
import { registerOpsRoutes } from './routes/ops.ts';
import { registerPromotionRoutes } from './routes/promotions.ts';
import { registerRegistryRoutes } from './routes/register-registry-routes.ts';
import { registerServingRoutes, type ServingOptions } from './serving/register-serving-routes.ts';
import { loadServingConfig } from './serving/serving-config.ts';

export type CreateAppOptions = {
  store: MetadataStore;
  config: ServerConfig;
  /** Defaults to a pino logger built from `config`. */
  logger?: ServerLogger;
  /** Shutdown hooks land here; `main.ts` passes its own and runs it on SIGTERM/SIGINT. */
  lifecycle?: Lifecycle;
  /** Defaults to a fresh registry for this app. */
  metrics?: ServerMetrics;
  /** Serving settings (LLM providers, prices, inference writer); default parsed from the environment. */
  serving?: ServingOptions;
  /** The bearer token cache's clock and size; its TTL defaults to config.tokenCacheTtlMs. */
  tokenCache?: TokenCacheOptions;
};

/**
 * Builds the ragops HTTP app (no listening socket: tests call `app.request()`).
 * @example
 * const app = createApp({ store: await openMetadataStore(config.metadataUrl), config });
 * const res = await app.request('/healthz');
 */
export function createApp(options: CreateAppOptions): RagopsApp {
  const logger = options.logger ?? createServerLogger(options.config);
  const lifecycle = options.lifecycle ?? createLifecycle();
  // Parsed here, not in registerServingRoutes, so registration can check providers against it.
  const serving: ServingOptions = { ...options.serving, config: options.serving?.config ?? loadServingConfig() };
  const ctx: AppContext = {
    store: options.store,
    config: options.config,
    logger,
    metrics: options.metrics ?? createServerMetrics(),
    tokens: createTokenAuthenticator(options.store, {
      ttlMs: options.config.tokenCacheTtlMs,
      ...options.tokenCache,
    }),
    llmProviderNames: [
      ...new Set([
        ...Object.keys(DEFAULT_LLM_PROVIDERS),
        ...Object.keys(serving.config?.providers ?? {}),
        ...Object.keys(serving.customProviders ?? {}),
      ]),
    ].sort(),
    onShutdown: (hook) => lifecycle.onShutdown(hook),
  };

  const app: RagopsApp = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use(requestId({ headerName: 'x-request-id' }));
  app.use(httpMetrics(ctx.metrics));
  app.use(requestLogger(logger, options.config.requestLogLevel));
  app.use(
    bodySizeLimit({
      maxSize: ctx.config.maxBodyBytes,
      onError: (c) =>
        errorResponse(c, {
          status: 413,
          code: 'invalid_input',
          message: `Request body is larger than ${ctx.config.maxBodyBytes} bytes`,
          details: { maxBytes: ctx.config.maxBodyBytes },
        }),
    }),
  );
  app.use(`${API_BASE}/*`, bearerAuth(ctx.tokens));
  app.use(`${API_BASE}/*`, jsonDepthLimit());
  app.onError(errorHandler(logger));
  app.notFound(notFoundHandler);

  registerOpsRoutes(app, ctx);
  registerDocsRoutes(app);
  registerRegistryRoutes(app, ctx);
  // /v1/feedback and /api/v1/feedback: before serving, whose /v1/* middleware would claim /v1/feedback.
  registerFeedbackRoutes(app, ctx);
  // /v1/*, /serving-endpoints/* and the endpoint/inference API: owned by apps/server/src/serving/.
  const runtime = registerServingRoutes(app, ctx, serving);
  // /api/v1/eval-runs: runs execute on serving's chain host (one cache of loaded chains).
  registerEvalRunRoutes(app, ctx, { host: runtime.host, datasetsDir: options.config.evalsDir });
  // /api/v1/models/{name}/promotions: the promotion gate on stored eval runs.
  registerPromotionRoutes(app, ctx, { datasetsDir: options.config.evalsDir });
  // /api/v1/monitoring/*: the metric tables (refreshed by the server's schedule, see server.ts).
  registerMonitoringRoutes(app, ctx);
  // …/drift, …/alerts, …/split-test of an endpoint.
  registerMonitoringOpsRoutes(app, ctx);
  // /console/* (web pages behind a session cookie) and GET /, which leads there.
  registerConsoleRoutes(app, ctx);
  return app;
}
