import type { Judge, JudgeItem, JudgeUsage, JudgeVerdict } from './judge.ts';

/** N verdicts of one judge on one item, folded into one. */
export type RepeatedVerdict = {
  /** ok with the mean of the good scores when at least one repeat scored; else the last error. */
  verdict: JudgeVerdict;
  /** Repeats asked for (1 for heuristic and retrieval judges, which are deterministic). */
  repeats: number;
  /** Scores of the repeats that scored, in order. */
  scores: number[];
  /** Repeats that ended in an error (never averaged in). */
  errors: number;
  /**
   * 1 − the mean absolute difference between the scores of every pair of repeats (scores are 0–1):
   * 1 when all repeats agree, 0 when half said 0 and half said 1 … For yes/no verdicts it is the
   * fraction of agreeing pairs. Undefined with fewer than two scores (nothing to agree on).
   */
  agreement: number | undefined;
};

/** Agreement of repeated 0–1 scores (see RepeatedVerdict.agreement). */
export function agreementOf(scores: readonly number[]): number | undefined {
  if (scores.length < 2) return undefined;
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    for (let j = i + 1; j < scores.length; j++) {
      sum += Math.abs(scores[i]! - scores[j]!);
      pairs++;
    }
  }
  return 1 - sum / pairs;
}

/** Folds verdicts of repeats into one: mean score, summed usage, all rationales and raw verdicts kept. */
export function aggregateVerdicts(verdicts: readonly JudgeVerdict[]): RepeatedVerdict {
  if (verdicts.length === 0) throw new RangeError('aggregateVerdicts needs at least one verdict');
  const good = verdicts.filter((v): v is Extract<JudgeVerdict, { ok: true }> => v.ok);
  const errors = verdicts.length - good.length;
  const scores = good.map((v) => v.score);
  const agreement = agreementOf(scores);
  if (good.length === 0) return { verdict: verdicts.at(-1)!, repeats: verdicts.length, scores, errors, agreement };
  if (verdicts.length === 1) return { verdict: verdicts[0]!, repeats: 1, scores, errors, agreement };
  const usage: JudgeUsage | undefined = good.some((v) => v.usage)
    ? good.reduce(
        (acc, v) => ({
          inputTokens: acc.inputTokens + (v.usage?.inputTokens ?? 0),
          outputTokens: acc.outputTokens + (v.usage?.outputTokens ?? 0),
        }),
        { inputTokens: 0, outputTokens: 0 },
      )
    : undefined;
  const verdict: JudgeVerdict = {
    ok: true,
    score: scores.reduce((a, b) => a + b, 0) / scores.length,
    ...(good[0]!.rationale !== undefined ? { rationale: good[0]!.rationale } : {}),
    raw: { repeats: verdicts.map((v) => (v.ok ? { score: v.score, raw: v.raw } : { error: v.error })), agreement },
    ...(usage ? { usage } : {}),
    ...(good.every((v) => v.cached) ? { cached: true } : {}),
  };
  return { verdict, repeats: verdicts.length, scores, errors, agreement };
}

/**
 * Runs an LLM judge `repeats` times on one item (in sequence, each repeat with its own cache entry)
 * and aggregates; heuristic and retrieval judges are deterministic and run once.
 * @example const { verdict, agreement } = await judgeRepeatedly(groundedness, item, { repeats: 3 });
 */
export async function judgeRepeatedly(
  judge: Judge,
  item: JudgeItem,
  options: { repeats: number; abortSignal?: AbortSignal },
): Promise<RepeatedVerdict> {
  if (!Number.isInteger(options.repeats) || options.repeats < 1) {
    throw new RangeError(`repeats must be a positive integer, got ${options.repeats}`);
  }
  const n = judge.kind === 'llm' ? options.repeats : 1;
  const verdicts: JudgeVerdict[] = [];
  for (let repeat = 0; repeat < n; repeat++) {
    verdicts.push(await judge.judge(item, { abortSignal: options.abortSignal, repeat }));
  }
  return aggregateVerdicts(verdicts);
}
