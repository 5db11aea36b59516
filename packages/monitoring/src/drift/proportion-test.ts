import { normalCdf } from '@ragops/evals';
import type { TwoSampleTest } from './mmd-test.ts';

/**
 * Two-sided two-proportion z-test (pooled): is `hitsA / nA` different from `hitsB / nB`? The
 * statistic is the difference of shares (A − B). p = 1 when both shares are 0 or both 1.
 */
export function twoProportionTest(hitsA: number, nA: number, hitsB: number, nB: number): TwoSampleTest {
  if (nA < 1 || nB < 1) throw new RangeError('a proportion test needs n ≥ 1 per side');
  const pooled = (hitsA + hitsB) / (nA + nB);
  const diff = hitsA / nA - hitsB / nB;
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB));
  const pValue = se === 0 ? 1 : 2 * (1 - normalCdf(Math.abs(diff) / se));
  return { statistic: diff, pValue: Math.min(1, pValue), nA, nB };
}
