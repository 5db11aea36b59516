import type { ChainVersion } from '@ragops/rag';
import type { ServerLogger } from '../logger.ts';
import type { InferenceLog } from './inference-log.ts';
import { buildInferenceRow, type RequestOutcome } from './inference-row-builder.ts';
import { toOpenAIError } from './openai-error.ts';
import type { ServingConfig } from './serving-config.ts';
import type { ServingMetrics } from './serving-metrics.ts';

/** A failure as the inference row records it: HTTP status, code, message. */
export function failureOf(error: unknown): NonNullable<RequestOutcome['error']> {
  const info = toOpenAIError(error);
  return { httpStatus: info.status, code: info.code ?? info.type, message: info.message };
}

/** The version's pins as the row records them. */
export function pinsOf(v: ChainVersion): NonNullable<RequestOutcome['resolved']> {
  return {
    modelName: v.modelName,
    version: v.version,
    indexName: v.package.index.name,
    indexVersion: v.package.index.version,
    promptSha256: v.package.chain.prompt.sha256,
  };
}

type RecorderOptions = {
  config: ServingConfig['inference'];
  metrics: ServingMetrics;
  log: InferenceLog;
  logger: ServerLogger;
  random: () => number;
};

/**
 * Turns a request's outcome into its inference row (queued, never awaited) and its Prometheus
 * series: requests, errors, latency by phase, tokens and cost, by endpoint and resolved version.
 */
export class ServingRecorder {
  readonly #o: RecorderOptions;

  constructor(options: RecorderOptions) {
    this.#o = options;
  }

  record(outcome: RequestOutcome): void {
    if (outcome.error && outcome.error.httpStatus >= 500) {
      this.#o.logger.error({ requestId: outcome.requestId, error: outcome.error }, 'serving request failed');
    }
    const row = buildInferenceRow(outcome, this.#o.config, this.#o.random);
    const m = this.#o.metrics;
    const version = row.modelVersion === null ? '' : String(row.modelVersion);
    m.requests.inc({ endpoint: row.endpoint, version, arm: row.trafficArm, status: row.status });
    if (row.status === 'error') m.errors.inc({ endpoint: row.endpoint, code: row.errorCode ?? 'unknown' });
    const labels = { endpoint: row.endpoint, version };
    const phases = [
      ['total', row.latencyTotalMs],
      ['retrieval', row.latencyRetrievalMs],
      ['generation', row.latencyGenerationMs],
      ['ttft', row.ttftMs],
    ] as const;
    for (const [phase, ms] of phases) if (ms !== null) m.latency.observe({ ...labels, phase }, ms / 1000);
    if (row.tokensIn !== null) m.tokens.inc({ ...labels, direction: 'in' }, row.tokensIn);
    if (row.tokensOut !== null) m.tokens.inc({ ...labels, direction: 'out' }, row.tokensOut);
    if (row.costUsd !== null) m.cost.inc(labels, row.costUsd);
    if (row.llmFallbackFrom !== null) {
      const to = `${row.llmProvider}/${row.llmModel}`;
      m.fallbacks.inc({ ...labels, from: row.llmFallbackFrom, to });
      this.#o.logger.warn(
        {
          requestId: row.requestId,
          endpoint: row.endpoint,
          from: row.llmFallbackFrom,
          to,
          failures: outcome.answer?.failures,
        },
        'llm fallback answered',
      );
    }
    this.#o.log.enqueue(row);
  }
}
