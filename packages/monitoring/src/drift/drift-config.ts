import { endpointNameSchema } from '@ragops/core';
import { z } from 'zod';
import { WINDOW_MS, WINDOW_SIZES } from '../metrics/windows.ts';

/**
 * `monitoring.drift` of ragops.yaml: the baseline window, the level of the tests and the sample
 * bounds. Every test has a p-value, so one α governs them all; each metric × comparison is its own
 * test (a refresh runs 12 per version: expect ~0.6 false "drift" rows per refresh at α = 0.05 by
 * chance alone, which is why alert rules on drift take `for:`).
 */
export const driftConfigSchema = z.strictObject({
  /** Endpoints the server computes drift for after each refresh, once per complete `window`. */
  endpoints: z.array(endpointNameSchema).max(100).default([]),
  /** The window tested (against the previous one of the same size and the baseline). */
  window: z.enum(WINDOW_SIZES).default('1h'),
  /** A fixed reference period (ISO times); without it only the previous window is compared. */
  baseline: z
    .strictObject({ start: z.iso.datetime({ offset: true }), end: z.iso.datetime({ offset: true }) })
    .refine((b) => Date.parse(b.start) < Date.parse(b.end), 'baseline.start must be before baseline.end')
    .optional(),
  /** Level of every drift test. */
  alpha: z.number().gt(0).lt(0.5).default(0.01),
  /** A query "retrieves nothing relevant" when it retrieves nothing or its top score is below this. */
  relevanceThreshold: z.number().min(0).max(1).default(0.2),
  /** Fixed PSI bin edges over retrieval scores, ascending. */
  psiEdges: z
    .array(z.number().finite())
    .min(2)
    .max(50)
    .refine((e) => e.every((x, i) => i === 0 || x > e[i - 1]!), 'psiEdges must be strictly ascending')
    .optional(),
  /** Fewer requests than this on either side: the verdict is `insufficient`, no test is run. */
  minPerSide: z.number().int().min(5).max(10_000).default(20),
  /** Queries per side that are re-embedded (a seeded sample beyond it); bounds MMD's O(n²) kernel. */
  maxPerSide: z.number().int().min(10).max(2_000).default(300),
  /** Requests kept per window at most (a seeded uniform sample of a busier window). */
  maxRowsPerWindow: z.number().int().min(100).max(100_000).default(20_000),
  /** Documents sampled from the index for the corpus centroid (all their chunks are embedded). */
  corpusDocuments: z.number().int().min(1).max(500).default(50),
  permutations: z.number().int().min(19).max(9_999).default(199),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(1),
});
export type DriftConfig = z.output<typeof driftConfigSchema>;
export type DriftConfigInput = z.input<typeof driftConfigSchema>;

/** The drift metrics, one row each per version × comparison × window. */
export const DRIFT_METRICS = [
  'query_centroid_distance',
  'query_mmd',
  'retrieval_score_psi',
  'retrieval_score_ks',
  'no_relevant_share',
  'topic_distance',
] as const;
export type DriftMetric = (typeof DRIFT_METRICS)[number];

export const DRIFT_COMPARISONS = ['baseline', 'previous'] as const;
export type DriftComparison = (typeof DRIFT_COMPARISONS)[number];

export const DRIFT_VERDICTS = ['drift', 'stable', 'insufficient'] as const;
export type DriftVerdict = (typeof DRIFT_VERDICTS)[number];

/** A half-open time range [start, end), ISO-8601. */
export type TimeWindow = { start: string; end: string };

/** One stored drift result. */
export type DriftResult = {
  endpoint: string;
  modelName: string;
  modelVersion: number;
  metric: DriftMetric;
  comparison: DriftComparison;
  current: TimeWindow;
  reference: TimeWindow;
  n: { current: number; reference: number };
  statistic: number | null;
  /** The level the p-value is compared with (α). */
  threshold: number | null;
  pValue: number | null;
  verdict: DriftVerdict;
  /** Metric-specific numbers (bins, centroid distances, shares, bandwidth). */
  detail: Record<string, unknown>;
  computedAt: string;
};

/** The last complete window of `size` before `now`. */
export function lastCompleteWindow(size: keyof typeof WINDOW_MS, now: Date): TimeWindow {
  const ms = WINDOW_MS[size];
  const end = Math.floor(now.getTime() / ms) * ms;
  return { start: new Date(end - ms).toISOString(), end: new Date(end).toISOString() };
}
