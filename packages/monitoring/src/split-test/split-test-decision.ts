import { type ArmMoments, mixtureConfidenceSequence, type SequentialInterval } from './confidence-sequence.ts';

/** What a split test recommends for the candidate arm. */
export const SPLIT_TEST_DECISIONS = ['promote', 'roll_back', 'keep_collecting'] as const;
export type SplitTestDecision = (typeof SPLIT_TEST_DECISIONS)[number];

/** One metric of both arms, e.g. approval (higher is better) or latency (lower is better). */
export type SplitMetric = {
  name: string;
  higherIsBetter: boolean;
  control: ArmMoments;
  candidate: ArmMoments;
  /** Mixture scale in the metric's unit (0.05 for shares and judge scores, ~50 for latency in ms). */
  effectScale: number;
  /** Guardrails only: how much worse the candidate may be before it is rolled back (metric unit). */
  tolerance?: number;
};

export type MetricVerdict = SequentialInterval & {
  metric: string;
  higherIsBetter: boolean;
  /** `better` / `worse` once the interval excludes 0 (guardrails: the tolerance), else `undecided`. */
  verdict: 'better' | 'worse' | 'undecided';
};

export type SplitTestOutcome = {
  decision: SplitTestDecision;
  reasons: string[];
  primary: MetricVerdict;
  guardrails: MetricVerdict[];
};

function verdictOf(metric: SplitMetric, alpha: number, margin: number): MetricVerdict {
  const cs = mixtureConfidenceSequence(metric.control, metric.candidate, { alpha, effectScale: metric.effectScale });
  // Oriented so that positive is better for the candidate.
  const [low, high] = metric.higherIsBetter ? [cs.low, cs.high] : [-cs.high, -cs.low];
  const verdict = !cs.ready ? 'undecided' : low > 0 ? 'better' : high < -margin ? 'worse' : 'undecided';
  return { ...cs, metric: metric.name, higherIsBetter: metric.higherIsBetter, verdict };
}

/**
 * The recommendation of a split test, valid however often it is evaluated: a guardrail (latency,
 * cost) worse than its tolerance rolls back; otherwise the primary metric decides (better →
 * promote, worse → roll back); otherwise keep collecting. α is split evenly over the metrics
 * (Bonferroni), so the chance of any false decision over the whole test stays ≤ α.
 */
export function decideSplitTest(input: {
  primary: SplitMetric;
  guardrails?: readonly SplitMetric[];
  alpha?: number;
}): SplitTestOutcome {
  const guards = input.guardrails ?? [];
  const alpha = (input.alpha ?? 0.05) / (1 + guards.length);
  const primary = verdictOf(input.primary, alpha, 0);
  const guardrails = guards.map((g) => verdictOf(g, alpha, g.tolerance ?? 0));
  const breached = guardrails.filter((g) => g.verdict === 'worse');
  const reasons: string[] = [];
  for (const g of breached) reasons.push(`${g.metric}: the candidate is worse beyond the tolerance (Δ ${fmt(g)})`);
  if (breached.length > 0) return { decision: 'roll_back', reasons, primary, guardrails };
  if (!primary.ready) {
    reasons.push(
      `${primary.metric}: ${primary.n.control} control and ${primary.n.candidate} candidate observations; 30 per arm needed`,
    );
    return { decision: 'keep_collecting', reasons, primary, guardrails };
  }
  reasons.push(`${primary.metric}: Δ ${fmt(primary)}`);
  const decision =
    primary.verdict === 'better' ? 'promote' : primary.verdict === 'worse' ? 'roll_back' : 'keep_collecting';
  return { decision, reasons, primary, guardrails };
}

function fmt(v: MetricVerdict): string {
  const r = (x: number) => (Number.isFinite(x) ? x.toPrecision(3) : String(x));
  return `${r(v.diff)} [${r(v.low)}, ${r(v.high)}] (always-valid ${(1 - v.alpha) * 100}%, n ${v.n.control}/${v.n.candidate})`;
}
