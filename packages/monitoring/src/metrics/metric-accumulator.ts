import type { InferenceMetricRow } from '@ragops/core';
import type { FeedbackSignal } from '@ragops/evals';
import type { CustomMetricState } from './custom-metrics.ts';
import type { FeedbackCounts, MetricKey, MetricRow, Percentiles } from './metric-row.ts';
import { SampleValues } from './sample-values.ts';

/** Online judge scores of one request. */
export type JudgeScore = { judge: string; score: number };

const QS = [0.5, 0.95, 0.99] as const;

function percentiles(values: SampleValues): Percentiles {
  const [p50, p95, p99] = values.quantiles(QS);
  return { p50: p50 ?? null, p95: p95 ?? null, p99: p99 ?? null };
}

const scoreBin = (score: number) => (score > 1 ? 10 : Math.max(0, Math.min(9, Math.floor(score * 10))));

/** The accumulating metrics of one metric row's group of inference rows. */
export class MetricAccumulator {
  readonly key: MetricKey;
  readonly #custom: CustomMetricState | undefined;
  #modelName: string | null = null;
  #requests = 0;
  #errors = 0;
  readonly #errorCodes = new Map<string, number>();
  readonly #latencyTotal = new SampleValues();
  readonly #latencyRetrieval = new SampleValues();
  readonly #latencyGeneration = new SampleValues();
  readonly #ttft = new SampleValues();
  readonly #answerChars = new SampleValues();
  #tokensIn = 0;
  #tokensOut = 0;
  #cost = 0;
  #retrievals = 0;
  #emptyRetrievals = 0;
  #scoreSum = 0;
  #scoreN = 0;
  #topScoreSum = 0;
  readonly #hist = new Array<number>(11).fill(0);
  #fallbacks = 0;
  readonly #feedback: Record<'end_user' | 'reviewer', FeedbackCounts> = {
    end_user: { count: 0, rated: 0, approved: 0 },
    reviewer: { count: 0, rated: 0, approved: 0 },
  };
  readonly #judges = new Map<string, { n: number; sum: number }>();

  constructor(key: MetricKey, custom: CustomMetricState | undefined) {
    this.key = key;
    this.#custom = custom;
  }

  add(row: InferenceMetricRow, feedback: readonly FeedbackSignal[], judged: readonly JudgeScore[]): void {
    this.#modelName ??= row.modelName;
    this.#requests++;
    if (row.status === 'error') {
      this.#errors++;
      const code = row.errorCode ?? `http_${row.httpStatus}`;
      this.#errorCodes.set(code, (this.#errorCodes.get(code) ?? 0) + 1);
    }
    this.#latencyTotal.push(row.latencyTotalMs);
    this.#latencyRetrieval.push(row.latencyRetrievalMs);
    this.#latencyGeneration.push(row.latencyGenerationMs);
    this.#ttft.push(row.ttftMs);
    this.#answerChars.push(row.answerChars);
    this.#tokensIn += row.tokensIn ?? 0;
    this.#tokensOut += row.tokensOut ?? 0;
    this.#cost += row.costUsd ?? 0;
    if (row.retrievalScores) {
      this.#retrievals++;
      if (row.retrievalScores.length === 0) this.#emptyRetrievals++;
      else this.#topScoreSum += row.retrievalScores[0]!;
      for (const score of row.retrievalScores) {
        this.#scoreSum += score;
        this.#scoreN++;
        this.#hist[scoreBin(score)]!++;
      }
    }
    if (row.llmFallbackFrom !== null) this.#fallbacks++;
    for (const f of feedback) {
      const counts = this.#feedback[f.source];
      counts.count++;
      if (f.approved !== null) {
        counts.rated++;
        if (f.approved) counts.approved++;
      }
    }
    for (const { judge, score } of judged) {
      const j = this.#judges.get(judge) ?? { n: 0, sum: 0 };
      j.n++;
      j.sum += score;
      this.#judges.set(judge, j);
    }
    this.#custom?.add(row);
  }

  finish(computedAt: string): MetricRow {
    const nonEmpty = this.#retrievals - this.#emptyRetrievals;
    const [answerP95] = this.#answerChars.quantiles([0.95]);
    return {
      ...this.key,
      modelName: this.#modelName,
      requestCount: this.#requests,
      errorCount: this.#errors,
      errorCodes: Object.fromEntries([...this.#errorCodes].sort(([a], [b]) => a.localeCompare(b))),
      latencyTotal: percentiles(this.#latencyTotal),
      latencyRetrieval: percentiles(this.#latencyRetrieval),
      latencyGeneration: percentiles(this.#latencyGeneration),
      ttft: percentiles(this.#ttft),
      tokensInSum: this.#tokensIn,
      tokensOutSum: this.#tokensOut,
      costUsdSum: this.#cost,
      retrievalCount: this.#retrievals,
      emptyRetrievalCount: this.#emptyRetrievals,
      retrievalScoreMean: this.#scoreN === 0 ? null : this.#scoreSum / this.#scoreN,
      retrievalTopScoreMean: nonEmpty === 0 ? null : this.#topScoreSum / nonEmpty,
      retrievalScoreHist: [...this.#hist],
      answerCount: this.#answerChars.length,
      answerCharsMean: this.#answerChars.mean(),
      answerCharsP95: answerP95 ?? null,
      fallbackCount: this.#fallbacks,
      endUserFeedback: { ...this.#feedback.end_user },
      reviewerFeedback: { ...this.#feedback.reviewer },
      judgeScores: Object.fromEntries(
        [...this.#judges]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([judge, j]) => [judge, { n: j.n, mean: j.sum / j.n }]),
      ),
      custom: this.#custom?.finish({ request_count: this.#requests, error_count: this.#errors }) ?? {},
      computedAt,
    };
  }
}
