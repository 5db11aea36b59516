// `npm start`: the ragops server. Configured by environment variables only (see config.ts).
// RAGOPS_WORKERS > 1: this process becomes the cluster primary, and node:cluster runs this same file
// in each worker (cluster/), which clusterWorker() tells apart.
import { RagopsError } from '@ragops/core';
import { ATOMIC_PIPE_WRITE_BYTES, batchedLogDestination } from './batched-log-destination.ts';
import { runClusterWorker } from './cluster/cluster-worker.ts';
import { runClusterPrimary } from './cluster/run-primary.ts';
import { clusterWorker } from './cluster/worker-identity.ts';
import { loadConfig } from './config.ts';
import { createServerLogger } from './logger.ts';
import { startServer } from './server.ts';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  process.stderr.write(`${RagopsError.isInstance(error) ? error.message : String(error)}\n`);
  process.exit(2);
}

const worker = clusterWorker();
if (worker) {
  // Workers share the primary's stdout: writes of whole lines, each small enough to stay atomic in a pipe.
  const destination =
    config.logFormat === 'json'
      ? batchedLogDestination(process.stdout, { maxWriteBytes: ATOMIC_PIPE_WRITE_BYTES })
      : undefined;
  const logger = createServerLogger(config, destination).child({ worker: worker.index });
  await runClusterWorker({ config, logger, worker });
} else if (config.workers > 1) {
  await runClusterPrimary(config, createServerLogger(config));
} else {
  const logger = createServerLogger(config);
  const server = await startServer(config, logger).catch((err: unknown) => {
    // A bad serving setting (RAGOPS_LLM_PROVIDERS, RAGOPS_INFERENCE_*) or a port that is taken is bad
    // input like a bad PORT: one line saying what and where, exit 2.
    if (RagopsError.isInstance(err) && err.code === 'config_error') {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    logger.fatal({ err }, 'server failed to start');
    process.exit(1);
  });

  let signalled = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (signalled) {
        // A second signal means "now": skip the remaining hooks.
        logger.warn({ signal }, 'second signal: exiting without finishing shutdown');
        process.exit(1);
      }
      signalled = true;
      logger.info({ signal }, 'signal received');
      server.close().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}
