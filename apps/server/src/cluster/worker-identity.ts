import cluster from 'node:cluster';

/** This process's place in a RAGOPS_WORKERS cluster: its index (0 … count - 1) and the worker count. */
export type WorkerIdentity = { readonly index: number; readonly count: number };

/** Set by the primary in each worker's environment (cluster.worker.id changes with every re-fork). */
export const WORKER_INDEX_ENV = 'RAGOPS_WORKER_INDEX';

/**
 * Which worker this process is, or undefined in a single-process server (RAGOPS_WORKERS=1, tests,
 * benches calling createApp). The count is the primary's resolved RAGOPS_WORKERS (never `auto`).
 */
export function clusterWorker(env: NodeJS.ProcessEnv = process.env): WorkerIdentity | undefined {
  if (!cluster.isWorker) return undefined;
  const index = Number(env[WORKER_INDEX_ENV]);
  const count = Number(env.RAGOPS_WORKERS);
  if (!Number.isInteger(index) || !Number.isInteger(count) || index < 0 || index >= count) return undefined;
  return { index, count };
}
