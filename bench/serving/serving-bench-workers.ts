/**
 * The `ragopsWorkers` side of bench/serving.ts, in its own process tree: the real server as
 * `npm start` runs it with RAGOPS_WORKERS=<workers> (default 2): this process is the cluster primary
 * (startClusterPrimary) and node:cluster runs this same file in each worker, which serves through
 * the real startServer (runClusterWorker) with the bench's serving options (the instant LLM: the
 * only bench-specific part). Logs JSON at `logLevel` to files in RAGOPS_HOME, one per process.
 * Prints `{"url": …, "pids": [primary, workers…]}` once every worker listens; on SIGTERM stops the
 * workers as `npm start` does (each drains and flushes its inference rows), prints `{"stopped": …}`
 * and exits 0.
 *
 *   node bench/serving/serving-bench-workers.ts <RAGOPS_HOME> <metadata URL> [logLevel] [workers]
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { batchedLogDestination } from '../../apps/server/src/batched-log-destination.ts';
import { startClusterPrimary } from '../../apps/server/src/cluster/cluster-primary.ts';
import { runClusterWorker } from '../../apps/server/src/cluster/cluster-worker.ts';
import { clusterWorker } from '../../apps/server/src/cluster/worker-identity.ts';
import { loadConfig } from '../../apps/server/src/config.ts';
import { createServerLogger } from '../../apps/server/src/logger.ts';
import { benchServingOptions } from './bench-serving-options.ts';

const [home, metadataUrl, logLevel = 'info', workers = '2'] = process.argv.slice(2);
if (!home || !metadataUrl) {
  process.stderr.write('usage: serving-bench-workers.ts <home> <metadataUrl> [logLevel] [workers]\n');
  process.exit(2);
}
const config = loadConfig({
  RAGOPS_HOME: home,
  RAGOPS_METADATA_URL: metadataUrl,
  RAGOPS_LOG_LEVEL: logLevel,
  RAGOPS_WORKERS: workers,
  PORT: '0',
});
const fileLogger = (name: string) =>
  createServerLogger(config, batchedLogDestination(createWriteStream(join(home, name), { flags: 'a' })));

const worker = clusterWorker();
if (worker) {
  const logger = fileLogger(`server-worker-${worker.index}.log`).child({ worker: worker.index });
  await runClusterWorker({ config, logger, worker, serving: benchServingOptions() });
} else {
  const primary = await startClusterPrimary({ config, logger: fileLogger('server-primary.log') });
  process.stdout.write(`${JSON.stringify({ url: primary.url, pids: [process.pid, ...primary.pids()] })}\n`);
  process.once('SIGTERM', async () => {
    const started = performance.now();
    const code = await primary.close();
    process.stdout.write(`${JSON.stringify({ stopped: true, code, shutdownMs: performance.now() - started })}\n`);
    process.exit(code);
  });
}
