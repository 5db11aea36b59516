import { ConflictError, parseInput } from '@ragops/core';
import { type FeedbackTarget, feedbackTargetSchema, targetKey } from './feedback-schemas.ts';
import type { FeedbackContext } from './feedback-service.ts';
import { selectFeedback } from './feedback-store.ts';
import { resolveReviewItem } from './feedback-target.ts';

/** A judge's verdict on an item, as a reviewer may see it after labelling. */
export type ReviewVerdict = {
  judge: string;
  kind: string;
  version: string;
  model: string | null;
  score: number | null;
  rationale: string | null;
  skipped: boolean;
};

/**
 * The judges' verdicts on an item, shown to a reviewer only after they labelled it (so the verdict
 * cannot anchor the label): ConflictError before. Needs READ on the item's model. Inference rows
 * carry no judge verdicts (an empty list).
 */
export async function reviewVerdicts(
  ctx: Omit<FeedbackContext, 'requestId'>,
  target: FeedbackTarget | unknown,
): Promise<ReviewVerdict[]> {
  const t = parseInput(feedbackTargetSchema, target, 'feedback target');
  const item = await resolveReviewItem(ctx, t);
  const mine = await selectFeedback(
    ctx.store,
    { source: 'reviewer', author: ctx.actor.name, targetKeys: [targetKey(t)] },
    { limit: 1, offset: 0 },
  );
  if (mine.length === 0)
    throw new ConflictError(`label ${targetKey(t)} first: judge verdicts are shown after labelling`);
  if (item.kind === 'inference') return [];
  return item.run.judges.map((j) => {
    const s = item.row.scores[j.name];
    const first = s?.verdicts.find((v) => v.ok);
    return {
      judge: j.name,
      kind: j.kind,
      version: j.version,
      model: j.model ?? null,
      score: s?.score ?? null,
      rationale: first?.ok ? (first.rationale ?? null) : null,
      skipped: s?.skipped === true,
    };
  });
}
