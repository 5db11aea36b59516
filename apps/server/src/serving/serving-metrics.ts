import { Counter, Gauge, Histogram } from 'prom-client';
import type { ServerMetrics } from '../metrics.ts';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Serving's Prometheus series, registered on the app's registry. Labels: endpoint and resolved version. */
export function createServingMetrics(metrics: ServerMetrics, queueDepth: () => number) {
  const registers = [metrics.registry];
  return {
    requests: new Counter({
      name: 'ragops_serving_requests_total',
      help: 'Served requests by endpoint, model version, arm (live|shadow) and status (ok|error)',
      labelNames: ['endpoint', 'version', 'arm', 'status'] as const,
      registers,
    }),
    errors: new Counter({
      name: 'ragops_serving_errors_total',
      help: 'Failed serving requests by endpoint and error code',
      labelNames: ['endpoint', 'code'] as const,
      registers,
    }),
    latency: new Histogram({
      name: 'ragops_serving_latency_seconds',
      help: 'Serving latency by endpoint, version and phase (total, retrieval, generation, ttft)',
      labelNames: ['endpoint', 'version', 'phase'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    tokens: new Counter({
      name: 'ragops_serving_tokens_total',
      help: 'LLM tokens by endpoint, version and direction (in|out)',
      labelNames: ['endpoint', 'version', 'direction'] as const,
      registers,
    }),
    cost: new Counter({
      name: 'ragops_serving_cost_usd_total',
      help: 'LLM cost in USD (from the price table) by endpoint and version',
      labelNames: ['endpoint', 'version'] as const,
      registers,
    }),
    fallbacks: new Counter({
      name: 'ragops_serving_llm_fallbacks_total',
      help: "Requests answered by a fallback LLM because the chain's own failed, by endpoint, version and from/to provider/model",
      labelNames: ['endpoint', 'version', 'from', 'to'] as const,
      registers,
    }),
    rowsDropped: new Counter({
      name: 'ragops_inference_rows_dropped_total',
      help: 'Inference rows dropped because the queue was full (or the store failed at shutdown)',
      registers,
    }),
    rowsWritten: new Counter({
      name: 'ragops_inference_rows_written_total',
      help: 'Inference rows written to the metadata store',
      registers,
    }),
    queueDepth: new Gauge({
      name: 'ragops_inference_queue_depth',
      help: 'Inference rows waiting to be written',
      registers,
      collect() {
        this.set(queueDepth());
      },
    }),
  };
}
export type ServingMetrics = ReturnType<typeof createServingMetrics>;
