import { createHash } from 'node:crypto';
import {
  hasPrivilege,
  InvalidInputError,
  PermissionDeniedError,
  parseInput,
  parseThreeLevelName,
  queryInferenceRows,
} from '@ragops/core';
import { z } from 'zod';
import type { EvalRun } from '../runs/eval-run-schemas.ts';
import { allRunRows, getEvalRun, listEvalRuns } from '../runs/eval-run-service.ts';
import { targetKey } from './feedback-schemas.ts';
import type { FeedbackContext } from './feedback-service.ts';
import { reviewCounts } from './feedback-store.ts';
import { evalRowItem, inferenceItem, type PassageLookup, type ReviewItem, runIndex, withTexts } from './review-item.ts';

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
  /** Item keys (`targetKey`) to leave out: the ones a reviewer skipped in this pass. */
  exclude: z.array(z.string().min(1).max(400)).max(500).default([]),
});
export type ReviewQueueQuery = z.input<typeof queueQuerySchema>;

// Candidates considered per call: the newest inference rows, the newest runs' rows. A queue is a
// sample for people to label, not a scan of the table. The filters are applied in SQL, so busy
// traffic of other models or arms cannot push the asked-for rows out of the window.
const MAX_INFERENCE_CANDIDATES = 5_000;
const MAX_RUNS = 20;

async function inferenceCandidates(ctx: Omit<FeedbackContext, 'requestId'>, q: z.output<typeof queueQuerySchema>) {
  const rows = await queryInferenceRows(ctx.store, {
    ...(q.endpoint && { endpoint: q.endpoint }),
    ...(q.modelName && { modelName: q.modelName }),
    ...(q.version && { modelVersion: q.version }),
    ...(q.arm && { servedEntity: q.arm }),
    status: 'ok',
    trafficArm: 'live',
    limit: MAX_INFERENCE_CANDIDATES,
    order: 'desc',
  });
  const seen = new Map<string, number>();
  for (const r of rows) seen.set(r.requestId, (seen.get(r.requestId) ?? 0) + 1);
  const items: ReviewItem[] = [];
  for (const r of rows) {
    if (seen.get(r.requestId)! > 1) continue; // a reused request id cannot be reviewed (ambiguous)
    const item = inferenceItem(r);
    if (item) items.push(item);
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
      const item = evalRowItem(run, row, index);
      if (item) items.push(item);
    }
  }
  return items;
}

/**
 * An item's place in a seeded queue: a hash of seed and item, so an item's rank does not depend on
 * which other items are left. Labelling or removing one item leaves the others in their order (a
 * shuffle of the remaining list would reorder the whole queue after each label).
 */
function orderKey(seed: number, key: string): string {
  return createHash('sha256').update(`${seed}\u0000${key}`).digest('hex');
}

/**
 * A seeded, stratified sample to label: candidates (newest inference rows or eval rows matching the
 * filters, on models the reviewer may READ) minus items the reviewer already labelled, items that
 * have `reviewersPerItem` reviewers and items in `exclude` (skipped in this pass), grouped into
 * strata (endpoint × version × arm; for eval rows version × first tag), ordered within each stratum
 * by a seeded hash of the item (stable as items leave) and drawn round-robin across strata, so a
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
  const { byKey, mine } = await reviewCounts(
    ctx.store,
    reviewer,
    candidates.map((c) => targetKey(c.target)),
  );
  const excluded = new Set(q.exclude);
  const readable = new Map<string, boolean>();
  const strata = new Map<string, ReviewItem[]>();
  for (const item of candidates) {
    const key = targetKey(item.target);
    const count = byKey.get(key) ?? 0;
    if (mine.has(key) || count >= q.reviewersPerItem || excluded.has(key)) continue;
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
  const lists = [...strata.keys()].sort().map((k) =>
    strata
      .get(k)!
      .map((item) => ({ item, rank: orderKey(q.seed, targetKey(item.target)) }))
      .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0))
      .map((r) => r.item),
  );
  const picked: ReviewItem[] = [];
  for (let round = 0; picked.length < q.size && lists.some((l) => l.length > round); round++) {
    for (const list of lists) if (list[round] && picked.length < q.size) picked.push(list[round]!);
  }
  return options.passages ? withTexts(picked, options.passages) : picked;
}
