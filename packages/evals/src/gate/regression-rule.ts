import { type MeanInterval, pairedBootstrapDiff } from '../stats/bootstrap.ts';

/** The no-regression test's settings (ragops.yaml `gates.<model>.<alias>.noRegression`). */
export type RegressionRule = { margin: number; confidence: number; seed?: number; resamples?: number };

/** What the test saw: the paired interval of candidate − holder and whether it blocks. */
export type RegressionVerdict = { diff: MeanInterval; blocked: boolean };

/**
 * Blocks when the candidate is worse than the holder at the rule's confidence (the whole paired
 * bootstrap interval of candidate − holder lies below 0) AND the mean drop exceeds `margin` (a
 * significant but negligible drop does not block). The alternative rule, "block when the interval's
 * lower bound is below −margin" (non-inferiority), blocks an unchanged version 10–90% of the time
 * depending on noise (bench:gate measures both): its false-block rate is not under control, this
 * one's is (≤ (1 − confidence)/2 by construction; bench:gate: ≈ 2–3%).
 */
export function regressionVerdict(
  holder: readonly number[],
  candidate: readonly number[],
  rule: RegressionRule,
): RegressionVerdict {
  const diff = pairedBootstrapDiff(holder, candidate, {
    confidence: rule.confidence,
    seed: rule.seed ?? 1,
    resamples: rule.resamples ?? 2_000,
  });
  return { diff, blocked: diff.high < 0 && diff.mean < -rule.margin };
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf; |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** The z of a two-sided interval at `confidence` (0.95 → 1.96), by bisection on normalCdf. */
export function twoSidedZ(confidence: number): number {
  const target = 1 - (1 - confidence) / 2;
  let lo = 0;
  let hi = 10;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The test's error rates for the sample it had (normal approximation; bench:gate checks it against
 * simulation): the false-block rate of an unchanged version and the power to block a drop of `drop`
 * given n pairs whose differences have standard deviation `sd`. With sd = 0 (a deterministic chain
 * evaluated twice) any drop on every row is caught: power 1.
 */
export function regressionErrorRates(input: { n: number; sd: number; drop: number; confidence: number }): {
  falseBlock: number;
  power: number;
} {
  const z = twoSidedZ(input.confidence);
  const falseBlock = 1 - normalCdf(z);
  if (input.sd === 0) return { falseBlock, power: input.drop > 0 ? 1 : 0 };
  const se = input.sd / Math.sqrt(input.n);
  return { falseBlock, power: normalCdf(input.drop / se - z) };
}

/** Sample standard deviation (n − 1); 0 for fewer than two values. */
export function sampleSd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
}
