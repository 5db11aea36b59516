import type { SplitTestOutcome } from './split-test-decision.ts';

/**
 * The split test as one line of the promotion gate's decision table (the shape of evals'
 * GateCriterion, so the gate can take it as it is): the primary metric's difference with its
 * always-valid interval; `pass` to promote, `fail` to roll back, `unavailable` while collecting.
 */
export type SplitTestGateCriterion = {
  criterion: string;
  dataset: null;
  value: number | null;
  interval: { mean: number; low: number; high: number; n: number } | null;
  threshold: string;
  verdict: 'pass' | 'fail' | 'unavailable';
  note: string;
};

export function splitTestGateCriterion(outcome: SplitTestOutcome, endpoint: string): SplitTestGateCriterion {
  const p = outcome.primary;
  return {
    criterion: `split_test:${endpoint}:${p.metric}`,
    dataset: null,
    value: p.ready ? p.diff : null,
    interval: p.ready ? { mean: p.diff, low: p.low, high: p.high, n: Math.min(p.n.control, p.n.candidate) } : null,
    threshold: `always-valid ${(1 - p.alpha) * 100}% interval of candidate − control excludes 0`,
    verdict: outcome.decision === 'promote' ? 'pass' : outcome.decision === 'roll_back' ? 'fail' : 'unavailable',
    note: outcome.reasons.join('; '),
  };
}
