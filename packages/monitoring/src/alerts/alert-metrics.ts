import { z } from 'zod';
import type { MetricPoint } from '../metrics/metric-query.ts';

/** Metrics of the metric tables an alert rule can watch; plus `judge:<name>`, `custom:<name>` and `drift:<metric>` (alert-series.ts). */
export const ALERT_METRICS = [
  'request_count',
  'error_rate',
  'empty_retrieval_rate',
  'fallback_rate',
  'end_user_approval',
  'reviewer_approval',
  'latency_p95_ms',
  'latency_p99_ms',
  'ttft_p95_ms',
  'cost_per_request_usd',
  'retrieval_top_score_mean',
] as const;

export const alertMetricSchema = z.union([
  z.enum(ALERT_METRICS),
  z
    .string()
    .regex(
      /^((judge|custom):[a-z][a-z0-9_@]{0,62}|drift:[a-z_]{1,40}(:baseline|:previous)?)$/,
      'judge:<judge name>, custom:<metric name> or drift:<drift metric>[:baseline|:previous]',
    ),
]);
export type AlertMetric = z.infer<typeof alertMetricSchema>;

/** A metric's value in one window and what it rests on (requests, ratings or judged requests). */
export type AlertObservation = { value: number | null; n: number };

/** The value of `metric` in a metric point (null when the window has no data for it). */
export function alertObservation(point: MetricPoint, metric: AlertMetric): AlertObservation {
  const rate = (r: MetricPoint['errorRate']): AlertObservation => ({ value: r?.mean ?? null, n: r?.n ?? 0 });
  const n = point.requestCount;
  switch (metric) {
    case 'request_count':
      // The count is its own evidence: a quiet window (0 requests) is a real value, not missing data.
      return { value: n, n: Number.POSITIVE_INFINITY };
    case 'error_rate':
      return rate(point.errorRate);
    case 'empty_retrieval_rate':
      return rate(point.emptyRetrievalRate);
    case 'fallback_rate':
      return rate(point.fallbackRate);
    case 'end_user_approval':
      return rate(point.endUserApproval);
    case 'reviewer_approval':
      return rate(point.reviewerApproval);
    case 'latency_p95_ms':
      return { value: point.latencyTotal.p95, n };
    case 'latency_p99_ms':
      return { value: point.latencyTotal.p99, n };
    case 'ttft_p95_ms':
      return { value: point.ttft.p95, n };
    case 'cost_per_request_usd':
      return { value: point.costPerRequestUsd, n };
    case 'retrieval_top_score_mean':
      return { value: point.retrievalTopScoreMean, n: point.retrievalCount };
  }
  const [kind, name] = [metric.slice(0, metric.indexOf(':')), metric.slice(metric.indexOf(':') + 1)];
  if (kind === 'judge') {
    const s = point.judgeScores[name];
    return { value: s?.mean ?? null, n: s?.n ?? 0 };
  }
  return { value: point.custom[name] ?? null, n };
}
