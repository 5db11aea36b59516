import { centroidDistanceTest } from './centroid-test.ts';
import type { DriftConfig, DriftMetric, DriftVerdict } from './drift-config.ts';
import type { DriftObservation } from './drift-sample.ts';
import { ksTest } from './ks-test.ts';
import { mmdTest } from './mmd-test.ts';
import { twoProportionTest } from './proportion-test.ts';
import { DEFAULT_PSI_EDGES, psiTest } from './psi.ts';
import { topicDriftTest } from './topic-test.ts';
import { centroid } from './vector-stats.ts';

/** A drift result before it is placed in windows: the test's numbers and verdict. */
export type MetricOutcome = {
  metric: DriftMetric;
  n: { current: number; reference: number };
  statistic: number | null;
  pValue: number | null;
  verdict: DriftVerdict;
  detail: Record<string, unknown>;
};

type Vectors = readonly (readonly number[])[];
type TestNumbers = { statistic: number; pValue: number; detail: Record<string, unknown>; drifted?: boolean };

function judged(config: DriftConfig, n: MetricOutcome['n'], test: () => TestNumbers) {
  if (n.current < config.minPerSide || n.reference < config.minPerSide) {
    return {
      verdict: 'insufficient' as const,
      statistic: null,
      pValue: null,
      detail: { minPerSide: config.minPerSide },
    };
  }
  const t = test();
  const drifted = t.drifted ?? t.pValue < config.alpha;
  return {
    statistic: t.statistic,
    pValue: t.pValue,
    detail: t.detail,
    verdict: drifted ? ('drift' as const) : ('stable' as const),
  };
}

/** Query drift (centroid distance, MMD) and topic drift against the corpus centroid, on embedded questions. */
export function queryDriftOutcomes(input: {
  current: Vectors;
  reference: Vectors;
  corpusCentroid: readonly number[] | null;
  config: DriftConfig;
}): MetricOutcome[] {
  const { current, reference, config } = input;
  const n = { current: current.length, reference: reference.length };
  const test = { seed: config.seed, permutations: config.permutations };
  const outcomes: MetricOutcome[] = [
    {
      metric: 'query_centroid_distance',
      n,
      ...judged(config, n, () => {
        const t = centroidDistanceTest(current, reference, test);
        return { statistic: t.statistic, pValue: t.pValue, detail: {} };
      }),
    },
    {
      metric: 'query_mmd',
      n,
      ...judged(config, n, () => {
        const t = mmdTest(current, reference, { ...test, seed: config.seed + 1 });
        return { statistic: t.statistic, pValue: t.pValue, detail: { bandwidth: t.bandwidth } };
      }),
    },
  ];
  const corpus = input.corpusCentroid;
  outcomes.push({
    metric: 'topic_distance',
    n,
    ...(corpus === null
      ? { verdict: 'insufficient', statistic: null, pValue: null, detail: { reason: 'no corpus sample' } }
      : judged(config, n, () => {
          const t = topicDriftTest(current, reference, corpus, { ...test, seed: config.seed + 2 });
          return {
            statistic: t.statistic,
            pValue: t.pValue,
            detail: { currentDistance: t.currentDistance, referenceDistance: t.referenceDistance },
          };
        })),
  });
  return outcomes;
}

/** Retrieval drift: top-score distribution (PSI, KS) and the share of queries retrieving nothing relevant. */
export function retrievalDriftOutcomes(input: {
  current: readonly DriftObservation[];
  reference: readonly DriftObservation[];
  config: DriftConfig;
}): MetricOutcome[] {
  const { config } = input;
  const scoresOf = (o: readonly DriftObservation[]) => o.map((x) => x.topScore).filter((s) => s !== null);
  const cur = scoresOf(input.current);
  const ref = scoresOf(input.reference);
  const scoreN = { current: cur.length, reference: ref.length };
  const irrelevant = (o: readonly DriftObservation[]) =>
    o.filter((x) => x.topScore === null || x.topScore < config.relevanceThreshold).length;
  const shareN = { current: input.current.length, reference: input.reference.length };
  return [
    {
      metric: 'retrieval_score_psi',
      n: scoreN,
      ...judged(config, scoreN, () => {
        const t = psiTest(cur, ref, {
          seed: config.seed + 3,
          permutations: config.permutations,
          edges: config.psiEdges ?? DEFAULT_PSI_EDGES,
        });
        return { statistic: t.statistic, pValue: t.pValue, detail: { bins: t.bins } };
      }),
    },
    {
      metric: 'retrieval_score_ks',
      n: scoreN,
      ...judged(config, scoreN, () => {
        const t = ksTest(cur, ref);
        return { statistic: t.statistic, pValue: t.pValue, detail: {} };
      }),
    },
    {
      metric: 'no_relevant_share',
      n: shareN,
      ...judged(config, shareN, () => {
        const hitsA = irrelevant(input.current);
        const hitsB = irrelevant(input.reference);
        const t = twoProportionTest(hitsA, shareN.current, hitsB, shareN.reference);
        return {
          statistic: t.statistic,
          pValue: t.pValue,
          // Only a rise is drift: fewer queries without relevant passages is good news.
          drifted: t.pValue < config.alpha && t.statistic > 0,
          detail: {
            current: hitsA / shareN.current,
            reference: hitsB / shareN.reference,
            relevanceThreshold: config.relevanceThreshold,
          },
        };
      }),
    },
  ];
}

/** The corpus centroid from embedded chunk texts, or null without any. */
export function corpusCentroidOf(vectors: Vectors): readonly number[] | null {
  return vectors.length > 0 ? centroid(vectors) : null;
}
