import type { WindowSize } from './windows.ts';

/** Bins of the retrieval score histogram: ten of width 0.1 on [0, 1] (below 0 counts in the first), then one for > 1. */
export const SCORE_BIN_EDGES = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1] as const;

export type Percentiles = { p50: number | null; p95: number | null; p99: number | null };
export type FeedbackCounts = { count: number; rated: number; approved: number };

/** The key of one metric row: window × endpoint × served version × arm × slice value. */
export type MetricKey = {
  windowSize: WindowSize;
  windowStart: string;
  endpoint: string;
  /** 0 when the request failed before a version was resolved. */
  modelVersion: number;
  /** '' when no arm was picked. */
  servedEntity: string;
  trafficArm: string;
  /** `all`, or a slice named in `monitoring.slices`. */
  slice: string;
  /** '' for `all`. */
  sliceValue: string;
};

/** One stored metric row: counts and sums (rates are derived by readers, with intervals). */
export type MetricRow = MetricKey & {
  modelName: string | null;
  requestCount: number;
  errorCount: number;
  errorCodes: Record<string, number>;
  latencyTotal: Percentiles;
  latencyRetrieval: Percentiles;
  latencyGeneration: Percentiles;
  ttft: Percentiles;
  tokensInSum: number;
  tokensOutSum: number;
  costUsdSum: number;
  /** Requests where retrieval ran, and those of them that retrieved nothing. */
  retrievalCount: number;
  emptyRetrievalCount: number;
  retrievalScoreMean: number | null;
  retrievalTopScoreMean: number | null;
  /** Counts per SCORE_BIN_EDGES bin (11: ten on [0, 1], one above 1), over every retrieved chunk. */
  retrievalScoreHist: number[];
  answerCount: number;
  answerCharsMean: number | null;
  answerCharsP95: number | null;
  fallbackCount: number;
  endUserFeedback: FeedbackCounts;
  reviewerFeedback: FeedbackCounts;
  /** Online judge scores of this row's requests: judge → count and mean. */
  judgeScores: Record<string, { n: number; mean: number }>;
  custom: Record<string, number | null>;
  computedAt: string;
};
