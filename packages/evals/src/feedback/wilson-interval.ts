import type { MeanInterval } from '../stats/bootstrap.ts';

const Z95 = 1.959963984540054;

/**
 * Wilson score interval (95%) of a proportion: `approved` of `n`. Unlike the normal approximation
 * it stays inside [0, 1] and is not degenerate at 0 or n approvals, which small feedback counts
 * hit often. Closed form, no resampling. Throws RangeError for n < 1 or approved outside 0…n.
 * @example wilsonInterval(8, 10) // { mean: 0.8, low: 0.49, high: 0.94, n: 10 }
 */
export function wilsonInterval(approved: number, n: number): MeanInterval {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`a proportion needs n ≥ 1, got ${n}`);
  if (!Number.isInteger(approved) || approved < 0 || approved > n) {
    throw new RangeError(`approved must be an integer from 0 to ${n}, got ${approved}`);
  }
  const p = approved / n;
  const z2 = Z95 * Z95;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (Z95 / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { mean: p, low: Math.max(0, center - half), high: Math.min(1, center + half), n };
}
