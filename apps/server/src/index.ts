/** Build the ragops HTTP app in process (tests, benches); `app.request()` needs no socket. */
export { type CreateAppOptions, createApp } from './app.ts';
export type { AppContext, RagopsApp } from './app-context.ts';
export type { AppEnv, AppVariables } from './app-env.ts';
/** The server's environment configuration (PORT, HOST, RAGOPS_HOME, RAGOPS_METADATA_URL, logging, limits). */
export { loadConfig, type ServerConfig } from './config.ts';
/** The one table from error codes to HTTP statuses, and the one JSON error shape. */
export { type ErrorBody, errorBodySchema, STATUS_BY_CODE } from './errors/error-response.ts';
/** Shutdown hooks, run once on graceful shutdown. */
export { createLifecycle, type Lifecycle, type ShutdownHook } from './lifecycle.ts';
/** One pino logger per app, JSON or pretty. */
export { createServerLogger, type ServerLogger, toLibraryLogger } from './logger.ts';
/** The app's own Prometheus registry and HTTP metrics. */
export { createServerMetrics, type ServerMetrics } from './metrics.ts';
/** Prefix of the registry REST API. */
export { API_BASE } from './routes/api-base.ts';
/** Open the store and listen (what `npm start` runs), with a graceful close(). */
export { type RunningServer, startServer } from './server.ts';
