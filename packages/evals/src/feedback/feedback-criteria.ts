import { LLM_JUDGE_NAMES, type LlmJudgeName } from '../judges/llm/llm-judge-definitions.ts';

/**
 * What a reviewer labels: the criteria the LLM judges score, on the judges' own 0–1 score scale,
 * restricted to a few levels a person can tell apart. `categorical` criteria are compared with
 * Cohen's κ, `ordinal` ones with quadratic-weighted κ.
 */
export type FeedbackCriterion = { kind: 'categorical' | 'ordinal'; levels: readonly number[]; description: string };

const ordinal5 = [0, 0.25, 0.5, 0.75, 1] as const;

export const FEEDBACK_CRITERIA = {
  groundedness: {
    kind: 'ordinal',
    levels: [0, 0.5, 1],
    description: 'claims supported by the passages: 0 none/most not, 0.5 some, 1 all',
  },
  answer_relevance: {
    kind: 'ordinal',
    levels: ordinal5,
    description: 'answers the question: 1–5 as 0, 0.25, 0.5, 0.75, 1',
  },
  correctness: {
    kind: 'ordinal',
    levels: [0, 0.5, 1],
    description: 'against the reference: 0 incorrect, 0.5 partially correct, 1 correct',
  },
  context_relevance: {
    kind: 'ordinal',
    levels: ordinal5,
    description: 'share of retrieved passages relevant to the question, to the nearest quarter',
  },
  context_sufficiency: { kind: 'categorical', levels: [0, 1], description: 'the passages suffice to answer: 0 or 1' },
} as const satisfies Record<LlmJudgeName, FeedbackCriterion>;
export type CriterionName = keyof typeof FEEDBACK_CRITERIA;
export const CRITERION_NAMES = LLM_JUDGE_NAMES as CriterionName[];

/**
 * The criterion a judge's score estimates: an LLM judge's own name, and for the offline stand-ins
 * the criterion they approximate (so the offline quickstart can be calibrated too).
 */
const OFFLINE_STAND_INS: Record<string, CriterionName> = {
  sentence_support: 'groundedness',
  token_f1: 'correctness',
  rouge_l: 'correctness',
};

export function criterionOfJudge(judgeName: string): CriterionName | undefined {
  if ((CRITERION_NAMES as string[]).includes(judgeName)) return judgeName as CriterionName;
  return OFFLINE_STAND_INS[judgeName];
}

/** The level nearest to `score` (ties go to the lower level). */
export function snapToLevel(criterion: CriterionName, score: number): number {
  const levels: readonly number[] = FEEDBACK_CRITERIA[criterion].levels;
  let best = levels[0]!;
  for (const level of levels) {
    if (Math.abs(level - score) < Math.abs(best - score) - 1e-12) best = level;
  }
  return best;
}
