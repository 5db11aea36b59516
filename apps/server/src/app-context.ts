import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MetadataStore } from '@ragops/core';
import type { AppEnv } from './app-env.ts';
import type { ServerConfig } from './config.ts';
import type { ShutdownHook } from './lifecycle.ts';
import type { ServerLogger } from './logger.ts';
import type { ServerMetrics } from './metrics.ts';
import type { TokenAuthenticator } from './middleware/token-cache.ts';

/** The ragops Hono app: an OpenAPIHono, so every route registered with `app.openapi()` is documented. */
export type RagopsApp = OpenAPIHono<AppEnv>;

/** What route modules get: the shared parts of one app instance. */
export type AppContext = {
  readonly store: MetadataStore;
  readonly config: ServerConfig;
  /** The app's root logger; inside a request prefer `c.get('logger')`, which carries the requestId. */
  readonly logger: ServerLogger;
  /** This app's Prometheus registry (not prom-client's global one); register your metrics on it. */
  readonly metrics: ServerMetrics;
  /** Bearer token → principal, cached for RAGOPS_TOKEN_CACHE_TTL_MS: every bearer-authenticated route uses it. */
  readonly tokens: TokenAuthenticator;
  /** LLM provider names serving is configured with: versions naming others are refused at registration. */
  readonly llmProviderNames: readonly string[];
  /** Registers work to await on graceful shutdown (after the server stops accepting connections). */
  onShutdown(hook: ShutdownHook): void;
};
