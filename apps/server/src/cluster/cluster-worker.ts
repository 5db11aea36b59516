import { RagopsError } from '@ragops/core';
import type { ServerConfig } from '../config.ts';
import type { ServerLogger } from '../logger.ts';
import { startServer } from '../server.ts';
import type { ServingOptions } from '../serving/register-serving-routes.ts';
import { type ClusterMessage, parseClusterMessage } from './cluster-messages.ts';
import { createWorkerMetrics } from './cluster-metrics.ts';
import type { WorkerIdentity } from './worker-identity.ts';

/**
 * One worker of a RAGOPS_WORKERS cluster: the same server as a single process (startServer), on the
 * primary's shared port, telling the primary once it listens. It exits 2 with the one line of a
 * config error (the primary then exits 2 too) and 1 after a fatal line for anything else.
 *
 * Stopping: the primary's `stop` message (on its own SIGTERM/SIGINT) or a SIGTERM drains as a single
 * server does and exits 0; `stop` with `now` (the primary's second signal) or a second SIGTERM exits
 * at once. The primary's stop and a SIGTERM to the whole group (systemd, timeout(1)) arriving in
 * either order count as one. SIGINT is ignored: a terminal's Ctrl-C reaches the whole process group,
 * and the primary decides.
 */
export async function runClusterWorker(args: {
  config: ServerConfig;
  logger: ServerLogger;
  worker: WorkerIdentity;
  /** Serving options for createApp (benches inject their instant LLM here); default from the environment. */
  serving?: ServingOptions;
}): Promise<void> {
  const logger = args.logger;
  const send = (message: ClusterMessage) => {
    // The channel closes when the primary is gone; node:cluster then ends this process anyway.
    if (process.connected) process.send?.(message, undefined, {}, () => {});
  };
  const { metrics, onMessage } = createWorkerMetrics(send);
  // Until it is ready the primary stops this worker with SIGTERM (see cluster-primary.ts stop()).
  let onStop: (now: boolean) => void = () => process.exit(0);
  process.on('message', (raw: unknown) => {
    const message = parseClusterMessage(raw);
    if (message?.ragops === 'stop') onStop(message.now);
    else if (message) onMessage(message);
  });
  process.on('SIGINT', () => logger.debug({}, 'SIGINT ignored: the cluster primary stops the workers'));

  const server = await startServer(args.config, logger, {
    worker: args.worker,
    metrics,
    ...(args.serving && { serving: args.serving }),
  }).catch((err: unknown) => {
    if (RagopsError.isInstance(err) && err.code === 'config_error') {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    logger.fatal({ err }, 'server failed to start');
    process.exit(1);
  });
  send({ ragops: 'ready', url: server.url });

  // Draining is idempotent: the primary's `stop` and a SIGTERM to the whole group (systemd,
  // timeout(1)) arrive both, in either order, and are one request. Now: `stop` with `now` (the
  // primary's second signal) or a second SIGTERM.
  let draining = false;
  let sigterms = 0;
  const drain = (how: string) => {
    if (draining) return;
    draining = true;
    logger.info({ signal: how }, 'signal received');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const now = (how: string) => {
    logger.warn({ signal: how }, 'second signal: exiting without finishing shutdown');
    process.exit(1);
  };
  onStop = (immediately) => (immediately ? now('primary') : drain('primary'));
  process.on('SIGTERM', () => (++sigterms > 1 ? now('SIGTERM') : drain('SIGTERM')));
}
