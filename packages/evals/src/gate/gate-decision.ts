import type { Interval } from '../runs/eval-run-schemas.ts';

export const CRITERION_VERDICTS = ['pass', 'fail', 'unavailable', 'not_counted'] as const;
/** `unavailable`: the evidence does not exist; `not_counted`: it exists but an uncalibrated judge produced it. */
export type CriterionVerdict = (typeof CRITERION_VERDICTS)[number];

/** One line of a decision table: criterion, value, interval, threshold, verdict, and why. */
export type GateCriterion = {
  criterion: string;
  dataset: string | null;
  value: number | null;
  interval: Interval | null;
  threshold: string;
  verdict: CriterionVerdict;
  note: string;
};

export const DECISION_OUTCOMES = ['passed', 'blocked', 'override', 'ungated'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

/** A stored promotion decision: what was asked, what the gate saw, and whether the alias moved. */
export type GateDecision = {
  id: string;
  model: string;
  alias: string;
  candidateVersion: number;
  /** The version the alias pointed at when the decision was made (null: no holder). */
  holderVersion: number | null;
  policyHash: string | null;
  outcome: DecisionOutcome;
  moved: boolean;
  criteria: GateCriterion[];
  /** Eval runs the decision rests on (candidate's and holder's). */
  runIds: string[];
  reason: string;
  /** Why a passed decision did not move the alias (another promote moved it first). */
  note: string | null;
  createdBy: string;
  createdAt: string;
};
