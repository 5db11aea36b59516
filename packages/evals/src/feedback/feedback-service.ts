import {
  hasPrivilege,
  InvalidInputError,
  type MetadataStore,
  NotFoundError,
  type Principal,
  paginate,
  parseInput,
  parseThreeLevelName,
  writeAudit,
} from '@ragops/core';
import {
  type Feedback,
  type FeedbackFilter,
  type FeedbackInput,
  type FeedbackRevision,
  type FeedbackSource,
  feedbackFilterSchema,
  feedbackInputSchema,
  feedbackTargetSchema,
  targetKey,
} from './feedback-schemas.ts';
import { selectFeedback, selectRevisions, upsertFeedback } from './feedback-store.ts';
import { resolveOwnRequest, resolveReviewItem } from './feedback-target.ts';

/** Who gives or reads feedback: the store, the acting principal, the request id for the audit row. */
export type FeedbackContext = { store: MetadataStore; actor: Principal; requestId: string };
type ReadContext = Omit<FeedbackContext, 'requestId'>;

/**
 * Records the actor's feedback on an item, replacing their earlier one (the history keeps every
 * revision); audited. `end_user`: a rating of their own request (inference target only; labels are
 * a reviewer's), EXECUTE on its endpoint. `reviewer`: labels, rating, comment, corrected answer on an
 * inference or eval row, READ on its model. Throws InvalidInputError (bad input, nothing written),
 * NotFoundError (unknown or not visible; another user's request), PermissionDeniedError.
 * @example await submitFeedback(ctx, { source: 'end_user', input: { target: { kind: 'inference', requestId }, rating: { scale: 'thumbs', value: 1 } } })
 */
export async function submitFeedback(
  ctx: FeedbackContext,
  args: { source: FeedbackSource; input: FeedbackInput },
): Promise<Feedback> {
  const input = parseInput(feedbackInputSchema, args.input, 'feedback');
  if (args.source === 'end_user') {
    if (input.target.kind !== 'inference') {
      throw new InvalidInputError('target: end users rate their own requests (kind "inference")');
    }
    if (!input.rating) throw new InvalidInputError('rating: end-user feedback needs a rating');
    if (input.labels) throw new InvalidInputError('labels: per-criterion labels are given by reviewers');
  }
  const item =
    args.source === 'end_user'
      ? await resolveOwnRequest(ctx, input.target.kind === 'inference' ? input.target.requestId : '')
      : await resolveReviewItem(ctx, input.target);
  return ctx.store.transaction(async (tx) => {
    const stored = await upsertFeedback(tx, {
      source: args.source,
      author: ctx.actor.name,
      feedback: input,
      owner: item.owner,
    });
    await writeAudit(tx, {
      actor: ctx.actor,
      requestId: ctx.requestId,
      action: 'feedback.submit',
      objectType: 'feedback',
      objectName: stored.id,
      after: {
        source: stored.source,
        target: targetKey(input.target),
        revision: stored.revision,
        model: `${stored.modelName}/${stored.modelVersion}`,
      },
    });
    return stored;
  });
}

async function readable(ctx: ReadContext, cache: Map<string, boolean>, modelName: string): Promise<boolean> {
  let ok = cache.get(modelName);
  if (ok === undefined) {
    const n = parseThreeLevelName(modelName);
    ok = await hasPrivilege({
      store: ctx.store,
      actor: ctx.actor,
      privilege: 'READ',
      target: { catalog: n.catalog, schema: n.schema, model: n.name },
    });
    cache.set(modelName, ok);
  }
  return ok;
}

/**
 * Feedback newest first, only on models the actor may READ (others are skipped, as absent). Pages
 * are offsets over all matching feedback, so a page may hold fewer items and still have a next page.
 */
export async function listFeedback(
  ctx: ReadContext,
  filter: FeedbackFilter = {},
  page: { pageSize?: number; pageToken?: string } = {},
): Promise<{ items: Feedback[]; nextPageToken?: string }> {
  const f = parseInput(feedbackFilterSchema, filter, 'feedback filter');
  const cache = new Map<string, boolean>();
  const result = await paginate(page, (limit, offset) => selectFeedback(ctx.store, f, { limit, offset }));
  const items: Feedback[] = [];
  for (const item of result.items) if (await readable(ctx, cache, item.modelName)) items.push(item);
  return { items, ...(result.nextPageToken && { nextPageToken: result.nextPageToken }) };
}

/**
 * Every author's feedback on one item with all its revisions (oldest first), from both sources
 * (each entry says which); NotFoundError when there is none the actor may READ.
 */
export async function feedbackHistory(
  ctx: ReadContext,
  target: unknown,
): Promise<{ feedback: Feedback; revisions: FeedbackRevision[] }[]> {
  const t = parseInput(feedbackTargetSchema, target, 'feedback target');
  const cache = new Map<string, boolean>();
  const all = await selectFeedback(ctx.store, { targetKeys: [targetKey(t)] }, { limit: 10_000, offset: 0 });
  const out: { feedback: Feedback; revisions: FeedbackRevision[] }[] = [];
  for (const fb of all) {
    if (await readable(ctx, cache, fb.modelName))
      out.push({ feedback: fb, revisions: await selectRevisions(ctx.store, fb.id) });
  }
  if (out.length === 0) throw new NotFoundError(`no feedback on ${targetKey(t)}`);
  return out;
}
