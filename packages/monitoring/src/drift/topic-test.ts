import type { TwoSampleTest } from './mmd-test.ts';
import { DEFAULT_PERMUTATIONS, permutationPValue } from './permutation.ts';
import { cosineDistance } from './vector-stats.ts';

/**
 * Topic drift against the corpus: has the query centroid of `current` moved further from the
 * corpus centroid than that of `reference`? The statistic is the increase of cosine distance to
 * the corpus (current − reference); the p-value is one-sided, by seeded relabelling of the pooled
 * queries, so questions leaving what the documents cover are told from noise.
 */
export function topicDriftTest(
  current: readonly (readonly number[])[],
  reference: readonly (readonly number[])[],
  corpusCentroid: readonly number[],
  options: { seed: number; permutations?: number },
): TwoSampleTest & { currentDistance: number; referenceDistance: number } {
  if (current.length < 2 || reference.length < 2) throw new RangeError('topic drift needs at least 2 queries per side');
  const pooled = [...current, ...reference];
  const dims = corpusCentroid.length;
  const nA = current.length;
  const distances = (order: Int32Array) => {
    const a = new Array<number>(dims).fill(0);
    const b = new Array<number>(dims).fill(0);
    for (let i = 0; i < pooled.length; i++) {
      const v = pooled[order[i]!]!;
      const sum = i < nA ? a : b;
      for (let d = 0; d < dims; d++) sum[d]! += v[d]!;
    }
    return [cosineDistance(a, corpusCentroid), cosineDistance(b, corpusCentroid)] as const;
  };
  const identity = Int32Array.from({ length: pooled.length }, (_, i) => i);
  const [currentDistance, referenceDistance] = distances(identity);
  const result = permutationPValue({
    nA,
    nB: reference.length,
    statistic: (order) => {
      const [a, b] = distances(order);
      return a - b;
    },
    seed: options.seed,
    permutations: options.permutations ?? DEFAULT_PERMUTATIONS,
  });
  return {
    statistic: result.observed,
    pValue: result.pValue,
    nA,
    nB: reference.length,
    currentDistance,
    referenceDistance,
  };
}
