import { createHash } from 'node:crypto';
import { NotFoundError, parseInput } from '@ragops/core';
import { z } from 'zod';
import { type EvalRow, evalRowSchema } from '../datasets/eval-row.ts';
import type { EvalRun } from '../runs/eval-run-schemas.ts';
import { type Feedback, targetKey } from './feedback-schemas.ts';
import type { FeedbackContext } from './feedback-service.ts';
import { selectFeedback } from './feedback-store.ts';
import { resolveReviewItem } from './feedback-target.ts';
import { evalRowItem, inferenceItem, type PassageLookup, type ReviewItem, runIndex, withTexts } from './review-item.ts';

const exportOptionsSchema = z.strictObject({
  format: z.enum(['eval', 'openai-chat']).default('eval'),
  modelName: z.string().min(1).max(500).optional(),
});
export type ExportFeedbackOptions = z.input<typeof exportOptionsSchema>;

/** What an export produced: JSONL lines, and what was left out and why. */
export type FeedbackExport = { lines: string[]; rows: number; skipped: { target: string; reason: string }[] };

const SYSTEM_PROMPT = 'Answer the question from the numbered passages only, citing them as [n].';
// Reviewer feedback is read a page at a time, newest first, until none is left: every item counts.
const PAGE_ROWS = 1_000;

/** Reviewer feedback, newest first, page by page (a keyset cursor, so pages do not shift as rows are added). */
async function* reviewerFeedback(ctx: Omit<FeedbackContext, 'requestId'>, modelName: string | undefined) {
  let after: Feedback | undefined;
  for (;;) {
    const page = await selectFeedback(
      ctx.store,
      { source: 'reviewer', ...(modelName && { modelName }) },
      { limit: PAGE_ROWS, ...(after && { after }) },
    );
    yield* page;
    if (page.length < PAGE_ROWS) return;
    after = page.at(-1);
  }
}

/** The reference a reviewed item yields: the corrected answer, else the answer when the reviewer approved it. */
function referenceOf(fb: Feedback, answer: string): string | undefined {
  if (fb.correctedAnswer) return fb.correctedAnswer;
  if (fb.approved === true || fb.labels.correctness === 1) return answer;
  return undefined;
}

/**
 * Reviewed items as dataset rows (`format: 'eval'`: valid `evals/<name>.jsonl` lines, the corrected
 * answer — or the approved answer — as `reference_answer`) or as chat-format fine-tuning examples
 * (`openai-chat`: system, user = numbered passages + question, assistant = the reference). Only
 * reviewer feedback counts (end users' thumbs are not curated); several reviewers on one item: the
 * newest usable one. Items on models the actor may not READ, and items whose content was not
 * logged, are skipped with the reason. All reviewer feedback is read (in pages); feedback changed
 * while the export runs moves ahead of the page being read and is exported by the next run.
 */
export async function exportFeedback(
  ctx: Omit<FeedbackContext, 'requestId'>,
  options: ExportFeedbackOptions = {},
  deps: { passages?: PassageLookup } = {},
): Promise<FeedbackExport> {
  const o = parseInput(exportOptionsSchema, options, 'feedback export');
  // Every item seen, in the order first seen: those never used are reported as skipped at the end.
  const seen = new Set<string>();
  const done = new Set<string>();
  const skipped: FeedbackExport['skipped'] = [];
  const picked: { fb: Feedback; item: ReviewItem; reference: string; tags: string[] }[] = [];
  // The index version each run's model version pins (for passage texts), looked up once per run.
  const indexes = new Map<string, Promise<ReviewItem['index']>>();
  const indexOf = (run: EvalRun) => {
    if (!indexes.has(run.id)) indexes.set(run.id, runIndex(ctx, run));
    return indexes.get(run.id)!;
  };
  for await (const fb of reviewerFeedback(ctx, o.modelName)) {
    const key = targetKey(fb.target);
    seen.add(key);
    if (done.has(key)) continue;
    let resolved: Awaited<ReturnType<typeof resolveReviewItem>>;
    try {
      resolved = await resolveReviewItem(ctx, fb.target);
    } catch (error) {
      if (!NotFoundError.isInstance(error)) throw error;
      skipped.push({ target: key, reason: 'not found or not readable' });
      done.add(key);
      continue;
    }
    const item =
      resolved.kind === 'inference'
        ? inferenceItem(resolved.row)
        : evalRowItem(resolved.run, resolved.row, await indexOf(resolved.run));
    if (!item) {
      skipped.push({ target: key, reason: 'question or answer was not logged' });
      done.add(key);
      continue;
    }
    const reference = referenceOf(fb, item.answer);
    if (reference === undefined) continue; // a later (older) reviewer may have corrected or approved it
    done.add(key);
    picked.push({ fb, reference, tags: resolved.kind === 'eval_row' ? resolved.row.tags : [], item });
  }
  for (const key of seen) {
    if (!done.has(key)) skipped.push({ target: key, reason: 'neither corrected nor approved by a reviewer' });
  }
  if (o.format === 'openai-chat' && deps.passages)
    await withTexts(
      picked.map((p) => p.item),
      deps.passages,
    );
  const lines = picked.map(({ item, reference, tags }) => {
    if (o.format === 'openai-chat') {
      const passages = item.passages
        .filter((p) => p.text !== undefined)
        .map((p) => `[${p.n}] ${p.text}`)
        .join('\n\n');
      const user = passages ? `Passages:\n${passages}\n\nQuestion: ${item.question}` : item.question;
      return JSON.stringify({
        messages: [
          { role: 'system', content: SYSTEM_PROMPT },
          { role: 'user', content: user },
          { role: 'assistant', content: reference },
        ],
      });
    }
    const row: EvalRow = {
      id: `fb-${createHash('sha256').update(targetKey(item.target)).digest('hex').slice(0, 16)}`,
      question: item.question,
      reference_answer: reference,
      tags: [...new Set(['feedback', ...tags])].slice(0, 32),
    };
    return JSON.stringify(parseInput(evalRowSchema, row, `export of ${targetKey(item.target)}`));
  });
  return { lines, rows: lines.length, skipped };
}
