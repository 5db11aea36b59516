import { z } from 'zod';
import type { JudgeItem } from '../judge.ts';

/**
 * What one LLM judge sends and how it reads the reply: which item fields go into the (JSON, data-
 * only) user message, the verdict schema, and how a verdict becomes a 0–1 score. A verdict that
 * parses but cannot be scored (e.g. a passage judged twice) makes `score` throw VerdictShapeError,
 * which counts as malformed.
 */
export type LlmJudgeDefinition<V> = {
  name: string;
  /** File name in prompts/judges/. */
  promptFile: string;
  verdict: z.ZodType<V>;
  applies(item: JudgeItem): boolean;
  input(item: JudgeItem): Record<string, unknown>;
  score(verdict: V, item: JudgeItem): number;
  maxOutputTokens: number;
};

/**
 * Checks a definition against its own verdict type, then erases that type: the schema parses the
 * reply before `score` sees it, so `score` always gets a V.
 */
function define<V>(definition: LlmJudgeDefinition<V>): LlmJudgeDefinition<unknown> {
  return definition as unknown as LlmJudgeDefinition<unknown>;
}

/** A verdict that matches the schema but not the item. */
export class VerdictShapeError extends Error {}

const passages = (item: JudgeItem) => item.contexts.map((c) => ({ n: c.n, document_id: c.documentId, text: c.text }));
const hasContexts = (item: JudgeItem) => item.contexts.length > 0;
const hasReference = (item: JudgeItem) => (item.referenceAnswer ?? '').trim() !== '';
const rationale = z.string().max(4_000);

const groundedness = define<{ claims: { claim: string; supported: boolean }[] }>({
  name: 'groundedness',
  promptFile: 'groundedness.md',
  verdict: z.strictObject({
    rationale,
    claims: z.array(z.strictObject({ claim: z.string().max(2_000), supported: z.boolean() })).max(200),
  }),
  applies: (item) => item.answer.trim() !== '',
  input: (item) => ({ question: item.question, answer: item.answer, passages: passages(item) }),
  // An answer with no factual claim (a decline) asserts nothing unsupported.
  score: (v) => (v.claims.length === 0 ? 1 : v.claims.filter((c) => c.supported).length / v.claims.length),
  maxOutputTokens: 2_048,
});

const answerRelevance = define<{ rating: number }>({
  name: 'answer_relevance',
  promptFile: 'answer-relevance.md',
  verdict: z.strictObject({ rationale, rating: z.number().int().min(1).max(5) }),
  applies: (item) => item.answer.trim() !== '',
  input: (item) => ({ question: item.question, answer: item.answer }),
  score: (v) => (v.rating - 1) / 4,
  maxOutputTokens: 512,
});

const CORRECTNESS = { correct: 1, partially_correct: 0.5, incorrect: 0 } as const;
const correctness = define<{ verdict: keyof typeof CORRECTNESS }>({
  name: 'correctness',
  promptFile: 'correctness.md',
  verdict: z.strictObject({ rationale, verdict: z.enum(['correct', 'partially_correct', 'incorrect']) }),
  applies: hasReference,
  input: (item) => ({ question: item.question, answer: item.answer, reference_answer: item.referenceAnswer }),
  score: (v) => CORRECTNESS[v.verdict],
  maxOutputTokens: 512,
});

const contextRelevance = define<{ passages: { n: number; relevant: boolean }[] }>({
  name: 'context_relevance',
  promptFile: 'context-relevance.md',
  verdict: z.strictObject({
    rationale,
    passages: z.array(z.strictObject({ n: z.number().int(), relevant: z.boolean() })).max(1_000),
  }),
  applies: hasContexts,
  input: (item) => ({ question: item.question, passages: passages(item) }),
  score: (v, item) => {
    const expected = new Set(item.contexts.map((c) => c.n));
    const judged = new Set(v.passages.map((p) => p.n));
    if (
      judged.size !== v.passages.length ||
      judged.size !== expected.size ||
      ![...expected].every((n) => judged.has(n))
    )
      throw new VerdictShapeError(`expected one entry for each passage n of ${[...expected].join(', ')}`);
    return v.passages.filter((p) => p.relevant).length / v.passages.length;
  },
  maxOutputTokens: 1_024,
});

const contextSufficiency = define<{ sufficient: boolean }>({
  name: 'context_sufficiency',
  promptFile: 'context-sufficiency.md',
  verdict: z.strictObject({ rationale, sufficient: z.boolean() }),
  applies: hasContexts,
  input: (item) => ({
    question: item.question,
    passages: passages(item),
    ...(hasReference(item) ? { reference_answer: item.referenceAnswer } : {}),
  }),
  score: (v) => (v.sufficient ? 1 : 0),
  maxOutputTokens: 512,
});

/** The LLM judges, by name. */
export const LLM_JUDGES = {
  groundedness,
  answer_relevance: answerRelevance,
  correctness,
  context_relevance: contextRelevance,
  context_sufficiency: contextSufficiency,
} as const;
export type LlmJudgeName = keyof typeof LLM_JUDGES;
export const LLM_JUDGE_NAMES = Object.keys(LLM_JUDGES) as LlmJudgeName[];
