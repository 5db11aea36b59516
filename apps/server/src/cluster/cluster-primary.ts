import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import type { ServerConfig } from '../config.ts';
import type { ServerLogger } from '../logger.ts';
import { type ClusterMessage, parseClusterMessage } from './cluster-messages.ts';
import { createPrimaryMetrics } from './cluster-metrics.ts';
import { WORKER_INDEX_ENV } from './worker-identity.ts';

/** Unexpected worker deaths tolerated within CRASH_WINDOW_MS before the primary gives up. */
export const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 60_000;
/** The first re-fork waits this long, each further crash in the window twice as long (250 ms … 4 s). */
const RESTART_BACKOFF_MS = 250;

/** The primary of a RAGOPS_WORKERS cluster: it forks the workers and holds the shared port, and opens no app. */
export type ClusterPrimary = {
  readonly url: string;
  /** Process ids of the live workers (benches add up their CPU). */
  pids(): number[];
  /**
   * Tells every worker to stop (each drains as a single server does on SIGTERM: in-flight requests,
   * the inference-log flush); resolves once all have exited, with 0 when each exited 0, else 1.
   */
  close(): Promise<number>;
  /** A second signal: every worker exits at once, without finishing (as a second signal does today). */
  closeNow(): void;
  /** Resolves with 1 if the cluster ends by itself: more than MAX_CRASHES worker deaths within a minute. */
  readonly ended: Promise<number>;
};

/** A worker exited before it listened; the worker itself wrote why (a config error's one line, or a fatal log line). */
export class WorkerStartupError extends Error {
  readonly exitCode: number;
  constructor(index: number, code: number | null, signal: string | null) {
    super(`worker ${index} exited during startup (${signal ?? `code ${code}`})`);
    this.exitCode = code === 2 ? 2 : 1;
  }
}

type Slot = { index: number; worker: Worker | undefined; ready: boolean; restartTimer?: NodeJS.Timeout };

/**
 * Forks `config.workers` workers of the current entry point (process.argv[1], same arguments) that
 * share `config.port`: node:cluster's round-robin, the primary accepting each connection and handing
 * it to the next worker (keep-alive connections stay with theirs). Worker 0 starts alone and the
 * others once it listens: it is the one that runs the migrations and syncSpecGates, and the only one
 * running the background jobs (metric refresher, alerts, drift, online judging). Rejects with a
 * WorkerStartupError when a worker fails to start (the others are stopped first). Afterwards a
 * worker that dies is logged and forked again with the same index (after 250 ms, doubling per
 * crash), until more than MAX_CRASHES deaths within a minute end the cluster (`ended`).
 *
 * Every worker gets the same console secret (RAGOPS_CONSOLE_SECRET, else one random key made here),
 * or a session cookie sealed by one worker would be refused by the next.
 */
export async function startClusterPrimary(args: {
  config: ServerConfig;
  logger: ServerLogger;
}): Promise<ClusterPrimary> {
  const { config } = args;
  const logger = args.logger.child({ role: 'primary' });
  const count = config.workers;
  // Explicit: NODE_CLUSTER_SCHED_POLICY=none would let the kernel pick, which piles connections on one worker.
  cluster.schedulingPolicy = cluster.SCHED_RR;
  const secret = config.consoleSecret ?? randomBytes(32).toString('base64url');
  const slots: Slot[] = Array.from({ length: count }, (_, index) => ({ index, worker: undefined, ready: false }));
  const metrics = createPrimaryMetrics({
    workers: count,
    ready: () => slots.flatMap((s) => (s.ready && s.worker ? [s.worker] : [])),
  });
  let started = false;
  let stopping = false;
  let failedStop = false;
  let crashes: number[] = [];
  let allExited: (() => void) | undefined;
  let endedResolve: (code: number) => void = () => {};
  const ended = new Promise<number>((resolve) => {
    endedResolve = resolve;
  });

  const live = () => slots.filter((s) => s.worker !== undefined);

  function fork(slot: Slot): Promise<string> {
    const worker = cluster.fork({
      RAGOPS_WORKERS: String(count),
      [WORKER_INDEX_ENV]: String(slot.index),
      RAGOPS_CONSOLE_SECRET: secret,
    });
    slot.worker = worker;
    slot.ready = false;
    logger.info({ worker: slot.index, pid: worker.process.pid }, 'worker started');
    return new Promise<string>((resolve, reject) => {
      // IPC failures (a send to a worker that just exited) must not become an uncaught 'error'.
      worker.on('error', (err) => logger.warn({ err, worker: slot.index }, 'worker channel error'));
      worker.on('message', (raw: unknown) => {
        const message = parseClusterMessage(raw);
        if (!message) return;
        if (message.ragops === 'ready') {
          slot.ready = true;
          resolve(message.url);
        } else metrics.onMessage(worker, message);
      });
      worker.once('exit', (code, signal) => {
        const wasReady = slot.ready;
        slot.worker = undefined;
        slot.ready = false;
        if (!wasReady) reject(new WorkerStartupError(slot.index, code, signal));
        exited(slot, wasReady, code, signal);
      });
    });
  }

  function exited(slot: Slot, wasReady: boolean, code: number | null, signal: string | null): void {
    if (stopping) {
      if (wasReady && code !== 0) failedStop = true;
      logger.info({ worker: slot.index, code, signal }, 'worker stopped');
      if (live().length === 0) allExited?.();
      return;
    }
    if (!started) return; // startup failure: startClusterPrimary rejects and stops the rest
    const now = Date.now();
    crashes = [...crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    if (crashes.length > MAX_CRASHES) {
      logger.fatal(
        { worker: slot.index, code, signal, crashes: crashes.length, windowMs: CRASH_WINDOW_MS },
        'workers keep dying: stopping the server',
      );
      void close().then(() => endedResolve(1));
      return;
    }
    const delayMs = RESTART_BACKOFF_MS * 2 ** (crashes.length - 1);
    logger.error({ worker: slot.index, code, signal, restartInMs: delayMs }, 'worker exited unexpectedly');
    metrics.restarted();
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      // A failed restart is one more exit, counted like any other.
      if (!stopping) fork(slot).catch(() => {});
    }, delayMs);
  }

  // Over IPC rather than a signal: the workers may get the same SIGTERM themselves (systemd signals
  // the whole cgroup, timeout(1) and a shell's kill -- -pgid the process group), and a worker takes
  // a second SIGTERM as "now". A worker still starting may not listen for messages yet (one sent
  // then is lost) and has served nothing: it gets SIGTERM, whose default ends it; so does one
  // without a channel.
  function stop(slot: Slot, now: boolean): void {
    const worker = slot.worker;
    if (!worker) return;
    if (slot.ready && worker.isConnected()) worker.send({ ragops: 'stop', now } satisfies ClusterMessage, () => {});
    else worker.process.kill('SIGTERM');
  }

  let closing: Promise<number> | undefined;
  function close(): Promise<number> {
    closing ??= (async () => {
      stopping = true;
      for (const slot of slots) clearTimeout(slot.restartTimer);
      const exitedAll = new Promise<void>((resolve) => {
        allExited = resolve;
      });
      const running = live();
      logger.info({ workers: running.length }, 'stopping workers');
      for (const slot of running) stop(slot, false);
      if (running.length > 0) await exitedAll;
      return failedStop ? 1 : 0;
    })();
    return closing;
  }

  let url: string;
  try {
    url = await fork(slots[0]!);
    await Promise.all(slots.slice(1).map(fork));
  } catch (error) {
    await close();
    throw error;
  }
  started = true;
  logger.info({ url, workers: count }, 'listening');
  return {
    url,
    pids: () => live().flatMap((s) => (s.worker?.process.pid === undefined ? [] : [s.worker.process.pid])),
    close,
    closeNow() {
      for (const slot of live()) stop(slot, true);
    },
    ended,
  };
}
