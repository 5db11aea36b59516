import { getModelVersion, NotFoundError, parseInput, type StoredInferenceRow } from '@ragops/core';
import type { EvalRun, EvalRunRow } from '../runs/eval-run-schemas.ts';
import { type FeedbackTarget, feedbackTargetSchema, targetKey } from './feedback-schemas.ts';
import type { FeedbackContext } from './feedback-service.ts';
import { reviewCounts } from './feedback-store.ts';
import { inferenceQuestion, resolveReviewItem } from './feedback-target.ts';

/**
 * Chunks' texts by id, from the index version that answered (the server's LanceDB reader, which
 * checks READ on the index): ids it may not or cannot read are absent, never an error.
 */
export type PassageLookup = (
  index: { name: string; version: number },
  chunkIds: readonly string[],
) => Promise<ReadonlyMap<string, string>>;

export type ReviewPassage = { n: number; chunkId: string; documentId: string; score: number; text?: string };

/** One item to label. Judge verdicts are NOT included (no anchoring): `reviewVerdicts` after labelling. */
export type ReviewItem = {
  target: FeedbackTarget;
  /** The stratum it was drawn from. */
  stratum: { modelName: string; modelVersion: number; endpoint: string | null; arm: string | null; tag: string | null };
  question: string;
  answer: string;
  passages: ReviewPassage[];
  /** Passage numbers the answer cites (`[n]`) that exist among the passages. */
  citations: number[];
  /** Reviewers who labelled it so far. */
  reviewers: number;
  index: { name: string; version: number } | null;
};

type ReadContext = Omit<FeedbackContext, 'requestId'>;

function citationsOf(answer: string, passages: readonly ReviewPassage[]): number[] {
  const known = new Set(passages.map((p) => p.n));
  const cited = [...answer.matchAll(/\[(\d{1,4})\]/g)].map((m) => Number(m[1]));
  return [...new Set(cited)].filter((n) => known.has(n)).sort((a, b) => a - b);
}

/** An answered live inference row as an item; undefined when it has no model, answer or logged question. */
export function inferenceItem(r: StoredInferenceRow): ReviewItem | undefined {
  const question = inferenceQuestion(r);
  if (r.modelName === null || r.modelVersion === null || r.answer === null || question === null) return undefined;
  const passages = (r.retrieved ?? []).map((c, i) => ({ n: i + 1, ...c }));
  return {
    target: { kind: 'inference', requestId: r.requestId },
    stratum: {
      modelName: r.modelName,
      modelVersion: r.modelVersion,
      endpoint: r.endpoint,
      arm: r.servedEntity,
      tag: null,
    },
    question,
    answer: r.answer,
    passages,
    citations: citationsOf(r.answer, passages),
    reviewers: 0,
    index: r.indexName !== null && r.indexVersion !== null ? { name: r.indexName, version: r.indexVersion } : null,
  };
}

/** An answered eval row as an item; undefined for a failed row. */
export function evalRowItem(run: EvalRun, row: EvalRunRow, index: ReviewItem['index']): ReviewItem | undefined {
  if (row.status !== 'ok' || row.answer === null) return undefined;
  const passages = row.retrieved.map((c) => ({ n: c.n, chunkId: c.chunkId, documentId: c.documentId, score: c.score }));
  return {
    target: { kind: 'eval_row', runId: run.id, rowId: row.rowId },
    stratum: {
      modelName: run.modelName,
      modelVersion: run.modelVersion,
      endpoint: null,
      arm: null,
      tag: row.tags[0] ?? null,
    },
    question: row.question,
    answer: row.answer,
    passages,
    citations: citationsOf(row.answer, passages),
    reviewers: 0,
    index,
  };
}

/** The index version a run's model version pins (for passage texts); null when unknown. */
export async function runIndex(ctx: ReadContext, run: EvalRun): Promise<ReviewItem['index']> {
  try {
    const v = await getModelVersion({ ...ctx, name: run.modelName, version: run.modelVersion });
    return { name: v.package.index.name, version: v.package.index.version };
  } catch (error) {
    if (NotFoundError.isInstance(error)) return null; // the version was deleted since the run
    throw error;
  }
}

/**
 * One item by its target, as the queue shows it (a direct link to an item): READ on its model
 * (NotFoundError when hidden or absent, PermissionDeniedError when visible but not readable),
 * NotFoundError too for an item that cannot be labelled (a failed row, no logged question).
 */
export async function getReviewItem(
  ctx: ReadContext,
  target: FeedbackTarget | unknown,
  options: { passages?: PassageLookup } = {},
): Promise<ReviewItem> {
  const t = parseInput(feedbackTargetSchema, target, 'feedback target');
  const resolved = await resolveReviewItem(ctx, t);
  const item =
    resolved.kind === 'inference'
      ? inferenceItem(resolved.row)
      : evalRowItem(resolved.run, resolved.row, await runIndex(ctx, resolved.run));
  if (!item) throw new NotFoundError(`${targetKey(t)} has no answer to review`);
  const { byKey } = await reviewCounts(ctx.store, ctx.actor.name, [targetKey(t)]);
  item.reviewers = byKey.get(targetKey(t)) ?? 0;
  return options.passages ? (await withTexts([item], options.passages))[0]! : item;
}

/** Fills passage texts from the index versions that answered (one lookup per index version). */
export async function withTexts(items: ReviewItem[], lookup: PassageLookup): Promise<ReviewItem[]> {
  const byIndex = new Map<string, ReviewItem[]>();
  for (const item of items) {
    if (!item.index) continue;
    const key = JSON.stringify([item.index.name, item.index.version]);
    const group = byIndex.get(key);
    if (group) group.push(item);
    else byIndex.set(key, [item]);
  }
  for (const group of byIndex.values()) {
    const texts = await lookup(group[0]!.index!, [...new Set(group.flatMap((i) => i.passages.map((p) => p.chunkId)))]);
    for (const item of group) {
      item.passages = item.passages.map((p) => (texts.has(p.chunkId) ? { ...p, text: texts.get(p.chunkId)! } : p));
    }
  }
  return items;
}
