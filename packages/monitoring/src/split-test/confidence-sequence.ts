/** What the sequential test needs of one arm: sample size, mean and (unbiased) variance of the metric. */
export type ArmMoments = { n: number; mean: number; variance: number };

export type ConfidenceSequenceOptions = {
  /** Error rate over the whole monitoring period, however often it is looked at. Default 0.05. */
  alpha?: number;
  /**
   * Scale of the effects worth detecting (the mixture's standard deviation, in the metric's unit).
   * The sequence is valid for any value; it is tightest for effects near it. Default 0.05 (five
   * points of approval or judge score).
   */
  effectScale?: number;
  /** Below this many observations per arm the plug-in variance is too noisy to use. Default 30. */
  minPerArm?: number;
};

/** Candidate − control with an always-valid interval: it holds at every look simultaneously. */
export type SequentialInterval = {
  diff: number;
  low: number;
  high: number;
  /** Always-valid p-value of "no difference" at this look (1/Λ, capped at 1). */
  pValue: number;
  n: { control: number; candidate: number };
  alpha: number;
  /** False until both arms reach minPerArm; then low/high are ±∞ and pValue 1. */
  ready: boolean;
};

// A plug-in variance of exactly 0 (all approvals, or one repeated judge score) would give a
// zero-width interval; a floor of (0.5/n)² keeps it honest (half an observation of spread).
const varianceFloor = (n: number) => (0.5 / n) ** 2;

/**
 * The normal-mixture confidence sequence (mixture SPRT) for a difference of means, as in Johari,
 * Pekelis and Walsh, "Always valid inference" (2017) and Howard et al. (2021): with the difference
 * estimate D ~ N(Δ, V), V = s²_A/n_A + s²_B/n_B, and a N(0, τ²) mixture over Δ, the likelihood ratio
 * Λ = √(V/(V+τ²))·exp(D²τ²/(2V(V+τ²))) is a martingale under Δ = 0, so P(Λ ever ≥ 1/α) ≤ α
 * (Ville). Inverting gives |D − Δ| ≤ √(V(V+τ²)/τ² · (2 ln(1/α) + ln((V+τ²)/V))). Valid under
 * continuous monitoring up to the normal approximation of the plug-in variance (checked by
 * simulation in split-test.test.ts). Hand-written: a closed form; no kept npm package has it.
 */
export function mixtureConfidenceSequence(
  control: ArmMoments,
  candidate: ArmMoments,
  options: ConfidenceSequenceOptions = {},
): SequentialInterval {
  const alpha = options.alpha ?? 0.05;
  const tau2 = (options.effectScale ?? 0.05) ** 2;
  const minPerArm = options.minPerArm ?? 30;
  const diff = candidate.mean - control.mean;
  const n = { control: control.n, candidate: candidate.n };
  if (control.n < minPerArm || candidate.n < minPerArm) {
    return { diff, low: -Infinity, high: Infinity, pValue: 1, n, alpha, ready: false };
  }
  const v =
    Math.max(control.variance, varianceFloor(control.n)) / control.n +
    Math.max(candidate.variance, varianceFloor(candidate.n)) / candidate.n;
  const radius = Math.sqrt(((v * (v + tau2)) / tau2) * (2 * Math.log(1 / alpha) + Math.log((v + tau2) / v)));
  const logLambda = 0.5 * Math.log(v / (v + tau2)) + (diff * diff * tau2) / (2 * v * (v + tau2));
  return {
    diff,
    low: diff - radius,
    high: diff + radius,
    pValue: Math.min(1, Math.exp(-logLambda)),
    n,
    alpha,
    ready: true,
  };
}

/** Moments of a proportion: `hits` of `n` (variance p(1 − p)·n/(n − 1)). */
export function proportionMoments(hits: number, n: number): ArmMoments {
  const p = n === 0 ? 0 : hits / n;
  return { n, mean: p, variance: n > 1 ? (p * (1 - p) * n) / (n - 1) : 0 };
}

/** Moments from sums (what SQL returns portably): n, Σx, Σx². */
export function momentsFromSums(n: number, sum: number, sumSquares: number): ArmMoments {
  if (n === 0) return { n: 0, mean: 0, variance: 0 };
  const mean = sum / n;
  return { n, mean, variance: n > 1 ? Math.max(0, (sumSquares - n * mean * mean) / (n - 1)) : 0 };
}
