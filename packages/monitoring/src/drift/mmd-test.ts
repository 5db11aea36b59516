import { DEFAULT_PERMUTATIONS, permutationPValue } from './permutation.ts';
import { squaredDistance } from './vector-stats.ts';

export type TwoSampleTest = {
  statistic: number;
  pValue: number;
  nA: number;
  nB: number;
};

/**
 * Maximum mean discrepancy between two samples of vectors with an RBF kernel
 * k(x, y) = exp(−‖x − y‖² / (2σ²)), σ² the median pairwise squared distance of the pooled sample
 * (the usual median heuristic), and a seeded permutation p-value. The statistic is the unbiased
 * MMD² (it can be slightly negative when the samples agree). O((nA + nB)²) kernel entries, computed
 * once; callers cap the sample sizes (drift samples ≤ 300 per side: 360 000 entries).
 * Hand-written: the formula is a dozen lines and no kept npm package implements it.
 */
export function mmdTest(
  a: readonly (readonly number[])[],
  b: readonly (readonly number[])[],
  options: { seed: number; permutations?: number },
): TwoSampleTest & { bandwidth: number } {
  if (a.length < 2 || b.length < 2) throw new RangeError('the MMD test needs at least 2 vectors per side');
  const pooled = [...a, ...b];
  const n = pooled.length;
  const d2 = new Float64Array(n * n);
  const upper: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = squaredDistance(pooled[i]!, pooled[j]!);
      d2[i * n + j] = d;
      d2[j * n + i] = d;
      upper.push(d);
    }
  }
  upper.sort((x, y) => x - y);
  const median = upper[Math.floor(upper.length / 2)]!;
  // Identical points everywhere: any bandwidth gives MMD 0; 1 avoids dividing by zero.
  const bandwidth = median > 0 ? median : 1;
  const kernel = d2.map((d) => Math.exp(-d / (2 * bandwidth)));
  const nA = a.length;
  const nB = b.length;
  const statistic = (order: Int32Array) => {
    let aa = 0;
    let bb = 0;
    let ab = 0;
    for (let i = 0; i < n; i++) {
      const row = order[i]! * n;
      const iInA = i < nA;
      for (let j = i + 1; j < n; j++) {
        const k = kernel[row + order[j]!]!;
        if (iInA && j < nA) aa += k;
        else if (!iInA) bb += k;
        else ab += k;
      }
    }
    return (2 * aa) / (nA * (nA - 1)) + (2 * bb) / (nB * (nB - 1)) - (2 * ab) / (nA * nB);
  };
  const result = permutationPValue({
    nA,
    nB,
    statistic,
    seed: options.seed,
    permutations: options.permutations ?? DEFAULT_PERMUTATIONS,
  });
  return { statistic: result.observed, pValue: result.pValue, nA, nB, bandwidth };
}
