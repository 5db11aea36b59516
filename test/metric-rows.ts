// Metric-table rows written directly (as the refresher writes them) for tests of what reads them:
// alert rules over many series and windows without the inference rows behind them.
import type { MetricRow } from '../packages/monitoring/src/metrics/metric-row.ts';

const none = { p50: null, p95: null, p99: null };

/** A stored 5-minute metric row of live traffic on arm `a`: the given fields, zero or null elsewhere. */
export function metricRow(
  key: Pick<MetricRow, 'endpoint' | 'windowStart' | 'modelVersion'> & Partial<MetricRow>,
): MetricRow {
  return {
    windowSize: '5m',
    servedEntity: 'a',
    trafficArm: 'live',
    slice: 'all',
    sliceValue: '',
    modelName: 'dev.mon.docs_qa',
    requestCount: 0,
    errorCount: 0,
    errorCodes: {},
    latencyTotal: none,
    latencyRetrieval: none,
    latencyGeneration: none,
    ttft: none,
    tokensInSum: 0,
    tokensOutSum: 0,
    costUsdSum: 0,
    retrievalCount: 0,
    emptyRetrievalCount: 0,
    retrievalScoreMean: null,
    retrievalTopScoreMean: null,
    retrievalScoreHist: Array(11).fill(0),
    answerCount: 0,
    answerCharsMean: null,
    answerCharsP95: null,
    fallbackCount: 0,
    endUserFeedback: { count: 0, rated: 0, approved: 0 },
    reviewerFeedback: { count: 0, rated: 0, approved: 0 },
    judgeScores: {},
    custom: {},
    computedAt: key.windowStart,
    ...key,
  };
}
