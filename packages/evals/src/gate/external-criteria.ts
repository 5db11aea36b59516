import type { GatePolicy, SplitTestPolicy } from '@ragops/core';
import { z } from 'zod';
import { intervalSchema } from '../runs/eval-run-schemas.ts';
import { CRITERION_VERDICTS, type GateCriterion } from './gate-decision.ts';

/** What the gate asks its caller about evidence it does not read itself. */
export type ExternalCriteriaRequest = {
  /** The policy's split test (monitoring's sequential test of two arms of an endpoint). */
  splitTest: SplitTestPolicy;
  model: string;
  alias: string;
  candidate: { version: number; uri: string };
  /** The alias's current holder (null: none yet). */
  holder: { version: number; uri: string } | null;
};

/**
 * Criteria from evidence evals may not read (monitoring's split test: the dependency runs apps →
 * monitoring → evals), computed by the app and handed to the gate as decision-table rows.
 */
export type ExternalCriteria = (q: ExternalCriteriaRequest) => Promise<GateCriterion[]>;

/** The app's answer, or why there is none (no hook given). */
export type ExternalEvidence = { available: true; criteria: readonly unknown[] } | { available: false; reason: string };

// The app's rows are checked as any input is: a malformed row (an infinite interval, an unknown
// verdict) would otherwise be stored in the decision and fail when read back.
const gateCriterionSchema = z.strictObject({
  criterion: z.string().min(1).max(200),
  dataset: z.string().nullable(),
  value: z.number().nullable(),
  interval: intervalSchema.nullable(),
  threshold: z.string().max(500),
  verdict: z.enum(CRITERION_VERDICTS),
  note: z.string().max(4000),
});

/**
 * The decision-table rows of the policy's external evidence: the app's split-test criterion, or
 * one `unavailable` row saying why there is none (which blocks, as missing evidence does).
 */
export function externalCriteriaRows(policy: GatePolicy, evidence: ExternalEvidence | undefined): GateCriterion[] {
  const split = policy.splitTest;
  if (!split) return [];
  const missing = (note: string): GateCriterion[] => [
    {
      criterion: `split_test:${split.endpoint}:${split.metric}`,
      dataset: null,
      value: null,
      interval: null,
      threshold: `arm ${split.candidate} vs ${split.control}: the split test says promote`,
      verdict: 'unavailable',
      note,
    },
  ];
  if (!evidence?.available) return missing(evidence?.reason ?? 'evidence unavailable');
  if (evidence.criteria.length === 0) return missing('the app returned no split-test criterion');
  const parsed = z.array(gateCriterionSchema).safeParse(evidence.criteria);
  if (!parsed.success)
    return missing(`the app's split-test criterion is malformed: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}
