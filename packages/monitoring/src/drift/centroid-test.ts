import type { TwoSampleTest } from './mmd-test.ts';
import { DEFAULT_PERMUTATIONS, permutationPValue } from './permutation.ts';
import { cosineDistance } from './vector-stats.ts';

/**
 * Cosine distance between the centroids of two samples of vectors, with a seeded permutation
 * p-value: how often relabelling the pooled vectors moves the centroids at least as far apart. A
 * bare distance has no scale (hash embeddings of short questions sit ~0.1 apart by noise alone at
 * n = 50), so the verdict rests on the p-value and the distance says how far.
 */
export function centroidDistanceTest(
  a: readonly (readonly number[])[],
  b: readonly (readonly number[])[],
  options: { seed: number; permutations?: number },
): TwoSampleTest {
  if (a.length < 2 || b.length < 2) throw new RangeError('the centroid test needs at least 2 vectors per side');
  const pooled = [...a, ...b];
  const dims = pooled[0]!.length;
  const nA = a.length;
  const sumA = new Float64Array(dims);
  const sumB = new Float64Array(dims);
  const statistic = (order: Int32Array) => {
    sumA.fill(0);
    sumB.fill(0);
    for (let i = 0; i < pooled.length; i++) {
      const v = pooled[order[i]!]!;
      const sum = i < nA ? sumA : sumB;
      for (let d = 0; d < dims; d++) sum[d]! += v[d]!;
    }
    // Cosine distance ignores scale, so sums stand in for means.
    return cosineDistance(Array.from(sumA), Array.from(sumB));
  };
  const result = permutationPValue({
    nA,
    nB: b.length,
    statistic,
    seed: options.seed,
    permutations: options.permutations ?? DEFAULT_PERMUTATIONS,
  });
  return { statistic: result.observed, pValue: result.pValue, nA, nB: b.length };
}
