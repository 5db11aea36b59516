import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { ConfigError, openMetadataStore } from '@ragops/core';
import { ragopsMigrationSets } from '@ragops/monitoring';
import { createApp } from './app.ts';
import type { RagopsApp } from './app-context.ts';
import type { WorkerIdentity } from './cluster/worker-identity.ts';
import type { ServerConfig } from './config.ts';
import { createLifecycle, type Lifecycle } from './lifecycle.ts';
import { createServerLogger, type ServerLogger } from './logger.ts';
import type { ServerMetrics } from './metrics.ts';
import { startServerMonitoringOps } from './monitoring-ops.ts';
import { serverMonitoringSpec, startServerMetricRefresher } from './monitoring-refresh.ts';
import { syncSpecGates } from './registry/sync-spec-gates.ts';
import type { ServingOptions } from './serving/register-serving-routes.ts';

/** What a worker of a RAGOPS_WORKERS cluster (cluster/cluster-worker.ts) passes; a single process passes nothing. */
export type StartServerOptions = {
  /**
   * This process's place in the cluster. Only worker 0 syncs the spec's gates and runs the
   * background jobs (metric refresher, alerts, drift, online judging): alerts and judging must not
   * run once per worker. Every worker opens the store (migrations: worker 0 applied them already).
   */
  worker?: WorkerIdentity;
  /** The app's metrics (a worker's answer the whole cluster's /metrics); default a fresh registry. */
  metrics?: ServerMetrics;
  /** Serving options for createApp (benches inject an instant LLM); default from the environment. */
  serving?: ServingOptions;
};

/** A listening ragops server. */
export type RunningServer = {
  readonly app: RagopsApp;
  readonly url: string;
  readonly port: number;
  readonly logger: ServerLogger;
  /** Shutdown hooks run by close(), after the listener stops and before the store closes. */
  readonly lifecycle: Lifecycle;
  /**
   * Graceful stop: stop accepting, let in-flight requests finish (up to `shutdownTimeoutMs`), run
   * shutdown hooks (e.g. the inference-log flush), close the store. Idempotent.
   */
  close(): Promise<void>;
};

/** Opens the store, builds the app and listens on `config.host:config.port` (port 0 = any free port). */
export async function startServer(
  config: ServerConfig,
  logger = createServerLogger(config),
  options: StartServerOptions = {},
): Promise<RunningServer> {
  const leader = options.worker === undefined || options.worker.index === 0;
  await mkdir(config.home, { recursive: true });
  // The evals and monitoring modules contribute their own tables (eval runs, feedback, metric tables, …).
  const store = await openMetadataStore(config.metadataUrl, { migrationSets: await ragopsMigrationSets() });
  const lifecycle = createLifecycle();
  let app: ReturnType<typeof createApp>;
  let server: Server;
  let address: AddressInfo;
  try {
    if (leader) await syncSpecGates({ store, specPath: config.specPath, logger });
    app = createApp({
      store,
      config,
      logger,
      lifecycle,
      ...(options.metrics && { metrics: options.metrics }),
      ...((options.serving || options.worker) && {
        serving: { ...options.serving, ...(options.worker && { workers: options.worker.count }) },
      }),
    });
    if (leader) {
      // After the app (a bad spec fails startup like a bad serving setting); stopped by close() before the store closes.
      const monitoringSpec = await serverMonitoringSpec(config.specPath);
      // Alerts after each refresh and the online-judging worker; drained after the refresher stops.
      const ops = startServerMonitoringOps({ store, config, spec: monitoringSpec, logger });
      const refresher = startServerMetricRefresher({ store, spec: monitoringSpec, logger, onRefreshed: ops.onRefresh });
      lifecycle.onShutdown(async () => {
        await refresher.stop();
        await ops.stop();
      });
      if (options.worker) logger.info({ workers: options.worker.count }, 'background jobs run in this worker');
    }
    ({ server, address } = await new Promise<{ server: Server; address: AddressInfo }>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) =>
        resolve({ server: s as Server, address: info }),
      );
      s.once('error', (error) => reject(listenError(error, config)));
    }));
  } catch (error) {
    // A bad serving setting or a taken port: release what was opened, then report the failure (and
    // a failed release alongside it, never instead of it).
    const released = await lifecycle
      .shutdown()
      .finally(() => store.close())
      .then(
        () => undefined,
        (cleanupError: unknown) => cleanupError,
      );
    if (released !== undefined) throw new AggregateError([error, released], 'server failed to start and to clean up');
    throw error;
  }
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info({ url, metadataStore: config.metadataUrl.split(':')[0] }, 'listening');

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      logger.info({}, 'shutting down');
      await stopAccepting(server, config.shutdownTimeoutMs, logger);
      try {
        await lifecycle.shutdown();
      } finally {
        await store.close();
        logger.info({}, 'stopped');
      }
    })();
    return closing;
  };
  return { app, url, port: address.port, logger, lifecycle, close };
}

// What a person can do about a failed listen: the address and the variable to change, with the cause.
const LISTEN_PROBLEMS: Record<string, (where: string) => string> = {
  EADDRINUSE: (where) => `${where} is already in use: stop the other server or set PORT to a free port`,
  EACCES: (where) => `${where} needs privileges this process lacks: set PORT above 1023`,
  EADDRNOTAVAIL: (where) => `${where}: HOST is not an address of this machine; set HOST (e.g. 127.0.0.1)`,
  ENOTFOUND: (where) => `${where}: HOST does not resolve; set HOST (e.g. 127.0.0.1)`,
};

/** A listen failure as a ConfigError naming the port, host and variable (the errno stays in `cause`). */
function listenError(error: unknown, config: ServerConfig): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const problem = code === undefined ? undefined : LISTEN_PROBLEMS[code];
  if (!problem) return error;
  return new ConfigError(`cannot listen: ${problem(`port ${config.port} on ${config.host}`)} (${code})`, {
    cause: error,
    details: { port: config.port, host: config.host, errno: code },
  });
}

// close() stops accepting and resolves once in-flight requests are done. A keep-alive socket is only
// closable once idle, and sockets busy at close() go idle later: sweep them every 50 ms, or each would
// hold shutdown for the whole keep-alive timeout (5 s measured). Stragglers past the timeout are cut.
function stopAccepting(server: Server, timeoutMs: number, logger: ServerLogger): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      logger.warn({ timeoutMs }, 'shutdown timeout: closing open connections');
      server.closeAllConnections();
    }, timeoutMs);
    timer.unref();
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    sweep.unref();
    server.close((err) => {
      clearTimeout(timer);
      clearInterval(sweep);
      if (err) reject(err);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
