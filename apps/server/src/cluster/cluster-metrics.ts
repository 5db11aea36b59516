import type { Worker } from 'node:cluster';
import {
  AggregatorRegistry,
  Counter,
  Gauge,
  type MetricObjectWithValues,
  type MetricValue,
  Registry,
} from 'prom-client';
import { createServerMetrics, type ServerMetrics } from '../metrics.ts';
import type { ClusterMessage } from './cluster-messages.ts';

/** How long a scrape waits for the workers' registries; a worker that has not answered by then is left out. */
export const CLUSTER_SCRAPE_TIMEOUT_MS = 5_000;

/**
 * A worker's metrics: its own registry (answering the primary's `collect`), and a text() that asks
 * the primary for the whole server, since a scrape of the shared port reaches one worker.
 *
 * prom-client ships this as AggregatorRegistry.clusterMetrics() (workers call setRegistries(), the
 * primary asks every cluster.workers entry). Only its aggregation (AggregatorRegistry.aggregate) is
 * used here, over our own messages: clusterMetrics() also asks workers that are still starting (a
 * re-forked one has no listener yet) or draining, and one missing answer fails the whole scrape
 * after its fixed 5 s, where this answers with the workers that did (ragops_cluster_workers_scraped
 * says how many); its pending request of a worker that never answers also stays in its map.
 */
export function createWorkerMetrics(send: (message: ClusterMessage) => void): {
  metrics: ServerMetrics;
  onMessage: (message: ClusterMessage) => void;
} {
  const pending = new Map<number, (reply: { text?: string; error?: string }) => void>();
  let nextId = 1;
  const metrics = createServerMetrics({
    scrape: () =>
      new Promise<string>((resolve, reject) => {
        const id = nextId++;
        // The primary answers within its own timeout; this one only covers a primary that is gone.
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error('the cluster primary did not answer the metrics scrape'));
        }, CLUSTER_SCRAPE_TIMEOUT_MS * 2);
        pending.set(id, (reply) => {
          clearTimeout(timer);
          if (reply.text !== undefined) resolve(reply.text);
          else reject(new Error(`cluster metrics: ${reply.error ?? 'no answer'}`));
        });
        send({ ragops: 'scrape', id });
      }),
  });
  return {
    metrics,
    onMessage(message) {
      if (message.ragops === 'collect') {
        metrics.registry.getMetricsAsJSON().then(
          (json) => send({ ragops: 'collected', id: message.id, metrics: json }),
          () => send({ ragops: 'collected', id: message.id, metrics: [] }),
        );
      } else if (message.ragops === 'scraped') {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        waiter?.({
          ...(message.text !== undefined && { text: message.text }),
          ...(message.error !== undefined && { error: message.error }),
        });
      }
    },
  };
}

/**
 * The primary's side: on a worker's `scrape`, collects every ready worker's registry, sums them
 * (AggregatorRegistry.aggregate: counters, histograms and gauges summed, so request counts, CPU and
 * memory are the whole server's; prom-client's own aggregators for the rest, e.g. event-loop lag
 * averaged), adds the cluster's own series and answers the asking worker.
 */
export function createPrimaryMetrics(args: { workers: number; ready: () => Worker[] }) {
  const registry = new Registry();
  new Gauge({
    name: 'ragops_cluster_workers',
    help: 'Worker processes configured (RAGOPS_WORKERS)',
    registers: [registry],
  }).set(args.workers);
  const scraped = new Gauge({
    name: 'ragops_cluster_workers_scraped',
    help: 'Workers whose series this scrape includes (fewer than ragops_cluster_workers: one was restarting or did not answer in time)',
    registers: [registry],
  });
  const restarts = new Counter({
    name: 'ragops_cluster_worker_restarts_total',
    help: 'Workers that exited unexpectedly and were forked again',
    registers: [registry],
  });
  const collecting = new Map<
    number,
    { answers: Map<number, MetricObjectWithValues<MetricValue<string>>[]>; expected: number; done: () => void }
  >();
  let nextId = 1;

  async function collect(): Promise<MetricObjectWithValues<MetricValue<string>>[][]> {
    const id = nextId++;
    const workers = args.ready().filter((w) => w.isConnected());
    const answers = new Map<number, MetricObjectWithValues<MetricValue<string>>[]>();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, CLUSTER_SCRAPE_TIMEOUT_MS);
      function done() {
        clearTimeout(timer);
        collecting.delete(id);
        resolve();
      }
      collecting.set(id, { answers, expected: workers.length, done });
      for (const w of workers)
        w.send({ ragops: 'collect', id } satisfies ClusterMessage, (err: Error | null) => {
          // A worker that exited between the filter and the send: one answer fewer to wait for.
          if (err) {
            const entry = collecting.get(id);
            if (entry && --entry.expected <= answers.size) entry.done();
          }
        });
      if (workers.length === 0) done();
    });
    return [...answers.values()];
  }

  return {
    /** A worker exited unexpectedly and is forked again. */
    restarted: () => restarts.inc(),
    /** Handles a worker's `scrape` and `collected`; other messages are not for it. */
    onMessage(worker: Worker, message: ClusterMessage): void {
      if (message.ragops === 'collected') {
        const entry = collecting.get(message.id);
        if (!entry) return; // late: that scrape was answered without this worker
        entry.answers.set(worker.id, message.metrics as MetricObjectWithValues<MetricValue<string>>[]);
        if (entry.answers.size >= entry.expected) entry.done();
      } else if (message.ragops === 'scrape') {
        collect()
          .then(async (perWorker) => {
            scraped.set(perWorker.length);
            const own = await registry.getMetricsAsJSON();
            return AggregatorRegistry.aggregate([...perWorker, own] as never).metrics();
          })
          .then(
            (text) => ({ text }),
            (err: unknown) => ({ error: err instanceof Error ? err.message : String(err) }),
          )
          .then((reply) => {
            if (worker.isConnected())
              worker.send({ ragops: 'scraped', id: message.id, ...reply } satisfies ClusterMessage, () => {});
          });
      }
    },
  };
}
