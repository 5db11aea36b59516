import { seededRandom } from '@ragops/evals';

/** Permutations of a permutation test unless the caller says otherwise: p-values resolve to 1/200. */
export const DEFAULT_PERMUTATIONS = 199;

/**
 * A seeded permutation p-value: `statistic(labels)` on the observed split and on `permutations`
 * random relabellings of the pooled items (the first `nA` labels are side A). p = (b + 1)/(B + 1),
 * b the relabellings at least as extreme, so it is never 0 and is valid (not just asymptotically).
 */
export function permutationPValue(options: {
  nA: number;
  nB: number;
  /** Larger means more different; gets a permutation of 0 … nA+nB−1 (first nA = side A). */
  statistic: (order: Int32Array) => number;
  permutations?: number;
  seed: number;
}): { observed: number; pValue: number; permutations: number } {
  const total = options.nA + options.nB;
  const order = Int32Array.from({ length: total }, (_, i) => i);
  const observed = options.statistic(order);
  const random = seededRandom(options.seed);
  const permutations = options.permutations ?? DEFAULT_PERMUTATIONS;
  let extreme = 0;
  for (let p = 0; p < permutations; p++) {
    // Fisher–Yates over the pooled indices.
    for (let i = total - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    // A small tolerance so float noise on an exact tie still counts as "as extreme".
    if (options.statistic(order) >= observed - 1e-12) extreme++;
  }
  return { observed, pValue: (extreme + 1) / (permutations + 1), permutations };
}
