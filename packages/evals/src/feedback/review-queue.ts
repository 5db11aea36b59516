import {
  getModelVersion,
  hasPrivilege,
  InvalidInputError,
  NotFoundError,
  PermissionDeniedError,
  parseInput,
  parseThreeLevelName,
  queryInferenceRows,
} from '@ragops/core';
import { z } from 'zod';
import type { EvalRun } from '../runs/eval-run-schemas.ts';
import { allRunRows, getEvalRun, listEvalRuns } from '../runs/eval-run-service.ts';
import { seededRandom } from '../stats/seeded-random.ts';
import { type FeedbackTarget, targetKey } from './feedback-schemas.ts';
import type { FeedbackContext } from './feedback-service.ts';
import { reviewCounts } from './feedback-store.ts';
import { inferenceQuestion } from './feedback-target.ts';

/** Texts of retrieved chunks by id, from the index version that answered (the server's LanceDB reader). */
export type PassageLookup = (
  index: { name: string; version: number },
  chunkIds: readonly string[],
) => Promise<ReadonlyMap<string, string>>;

const queueQuerySchema = z.strictObject({
  source: z.enum(['inference', 'eval_run']),
  endpoint: z.string().min(1).max(100).optional(),
  modelName: z.string().min(1).max(500).optional(),
  version: z.number().int().positive().optional(),
  arm: z.string().min(1).max(100).optional(),
  runId: z.string().min(1).max(100).optional(),
  size: z.number().int().min(1).max(500),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1),
  /** Defaults to the actor; naming someone else needs admin. */
  reviewer: z.string().min(1).max(200).optional(),
  /** An item leaves the queue once this many reviewers labelled it; default 1. */
  reviewersPerItem: z.number().int().min(1).max(10).default(1),
});
export type ReviewQueueQuery = z.input<typeof queueQuerySchema>;

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

// Candidates considered per call: the newest inference rows, the newest runs' rows. A queue is a
// sample for people to label, not a scan of the table.
const MAX_INFERENCE_CANDIDATES = 5_000;
const MAX_RUNS = 20;

function citationsOf(answer: string, passages: readonly ReviewPassage[]): number[] {
  const known = new Set(passages.map((p) => p.n));
  const cited = [...answer.matchAll(/\[(\d{1,4})\]/g)].map((m) => Number(m[1]));
  return [...new Set(cited)].filter((n) => known.has(n)).sort((a, b) => a - b);
}

async function inferenceCandidates(ctx: Omit<FeedbackContext, 'requestId'>, q: z.output<typeof queueQuerySchema>) {
  const rows = await queryInferenceRows(ctx.store, {
    ...(q.endpoint && { endpoint: q.endpoint }),
    ...(q.version && { modelVersion: q.version }),
    status: 'ok',
    trafficArm: 'live',
    limit: MAX_INFERENCE_CANDIDATES,
    order: 'desc',
  });
  const seen = new Map<string, number>();
  for (const r of rows) seen.set(r.requestId, (seen.get(r.requestId) ?? 0) + 1);
  const items: ReviewItem[] = [];
  for (const r of rows) {
    const question = inferenceQuestion(r);
    if (r.modelName === null || r.modelVersion === null || r.answer === null || question === null) continue;
    if ((q.modelName && r.modelName !== q.modelName) || (q.arm && r.servedEntity !== q.arm)) continue;
    if (seen.get(r.requestId)! > 1) continue; // a reused request id cannot be reviewed (ambiguous)
    const passages = (r.retrieved ?? []).map((c, i) => ({ n: i + 1, ...c }));
    items.push({
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
    });
  }
  return items;
}

async function evalCandidates(ctx: Omit<FeedbackContext, 'requestId'>, q: z.output<typeof queueQuerySchema>) {
  let runs: EvalRun[];
  if (q.runId) runs = [await getEvalRun({ ...ctx, id: q.runId })];
  else
    runs = (
      await listEvalRuns({
        ...ctx,
        ...(q.modelName && { model: q.modelName }),
        ...(q.version && { modelVersion: q.version }),
        pageSize: MAX_RUNS,
      })
    ).items;
  const items: ReviewItem[] = [];
  for (const run of runs) {
    const index = await runIndex(ctx, run);
    for (const row of await allRunRows(ctx.store, run.id)) {
      if (row.status !== 'ok' || row.answer === null) continue;
      const passages = row.retrieved.map((c) => ({
        n: c.n,
        chunkId: c.chunkId,
        documentId: c.documentId,
        score: c.score,
      }));
      items.push({
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
      });
    }
  }
  return items;
}

/** The index version a run's model version pins (for passage texts); null when unknown. */
async function runIndex(ctx: Omit<FeedbackContext, 'requestId'>, run: EvalRun) {
  try {
    const v = await getModelVersion({ ...ctx, name: run.modelName, version: run.modelVersion });
    return { name: v.package.index.name, version: v.package.index.version };
  } catch (error) {
    if (NotFoundError.isInstance(error)) return null; // the version was deleted since the run
    throw error;
  }
}

/**
 * A seeded, stratified sample to label: candidates (newest inference rows or eval rows matching the
 * filters, on models the reviewer may READ) minus items the reviewer already labelled and items that
 * have `reviewersPerItem` reviewers, grouped into strata (endpoint × version × arm; for eval rows
 * version × first tag), shuffled within each stratum and drawn round-robin across strata, so a
 * small stratum (a 5% canary arm) is not drowned by a large one. Same seed, same store → same queue.
 */
export async function reviewQueue(
  ctx: Omit<FeedbackContext, 'requestId'>,
  query: ReviewQueueQuery,
  options: { passages?: PassageLookup } = {},
): Promise<ReviewItem[]> {
  const q = parseInput(queueQuerySchema, query, 'review queue');
  const reviewer = q.reviewer ?? ctx.actor.name;
  if (reviewer !== ctx.actor.name && !ctx.actor.isAdmin) {
    throw new PermissionDeniedError(`principal "${ctx.actor.name}" may only ask for its own review queue`);
  }
  if (q.source === 'inference' && q.runId) throw new InvalidInputError('runId: only with source "eval_run"');
  const candidates = q.source === 'inference' ? await inferenceCandidates(ctx, q) : await evalCandidates(ctx, q);
  const { byKey, mine } = await reviewCounts(ctx.store, reviewer);
  const readable = new Map<string, boolean>();
  const strata = new Map<string, ReviewItem[]>();
  for (const item of candidates) {
    const key = targetKey(item.target);
    const count = byKey.get(key) ?? 0;
    if (mine.has(key) || count >= q.reviewersPerItem) continue;
    let ok = readable.get(item.stratum.modelName);
    if (ok === undefined) {
      const n = parseThreeLevelName(item.stratum.modelName);
      ok = await hasPrivilege({
        ...ctx,
        privilege: 'READ',
        target: { catalog: n.catalog, schema: n.schema, model: n.name },
      });
      readable.set(item.stratum.modelName, ok);
    }
    if (!ok) continue;
    const s = item.stratum;
    const stratumKey = JSON.stringify([s.modelName, s.modelVersion, s.endpoint, s.arm, s.tag]);
    const list = strata.get(stratumKey);
    const withCount = { ...item, reviewers: count };
    if (list) list.push(withCount);
    else strata.set(stratumKey, [withCount]);
  }
  const random = seededRandom(q.seed);
  const lists = [...strata.keys()].sort().map((k) => {
    const list = strata.get(k)!;
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    return list;
  });
  const picked: ReviewItem[] = [];
  for (let round = 0; picked.length < q.size && lists.some((l) => l.length > round); round++) {
    for (const list of lists) if (list[round] && picked.length < q.size) picked.push(list[round]!);
  }
  return options.passages ? withTexts(picked, options.passages) : picked;
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
