import {
  ConflictError,
  checkAccess,
  endpointAccessDenial,
  findEndpoint,
  type MetadataStore,
  NotFoundError,
  PermissionDeniedError,
  type Principal,
  parseThreeLevelName,
  queryInferenceRows,
  type StoredInferenceRow,
} from '@ragops/core';
import type { EvalRun, EvalRunRow } from '../runs/eval-run-schemas.ts';
import { getEvalRun } from '../runs/eval-run-service.ts';
import { findRunRow } from '../store/eval-run-store.ts';
import type { FeedbackTarget } from './feedback-schemas.ts';
import type { ItemOwner } from './feedback-store.ts';

type ReadContext = { store: MetadataStore; actor: Principal };

/** An item feedback is about, with what it belongs to. */
export type ResolvedItem =
  | { kind: 'inference'; owner: ItemOwner; row: StoredInferenceRow }
  | { kind: 'eval_row'; owner: ItemOwner; run: EvalRun; row: EvalRunRow };

const notFound = (t: FeedbackTarget) =>
  new NotFoundError(
    t.kind === 'inference' ? `request "${t.requestId}" not found` : `eval row "${t.rowId}" of run ${t.runId} not found`,
  );

/** Live rows of a request id (request ids come from the client's x-request-id, so they may repeat). */
async function liveRows(store: MetadataStore, requestId: string): Promise<StoredInferenceRow[]> {
  return queryInferenceRows(store, { requestId, trafficArm: 'live', limit: 100, order: 'desc' });
}

function inferenceOwner(row: StoredInferenceRow): ItemOwner | undefined {
  if (row.modelName === null || row.modelVersion === null) return undefined;
  return { modelName: row.modelName, modelVersion: row.modelVersion, endpoint: row.endpoint, arm: row.servedEntity };
}

/**
 * The request an end user rates: only their own (the inference row's caller), answered by a model,
 * on an endpoint they may still call (EXECUTE). Another user's request answers 404 exactly as an
 * unknown id does, so request ids do not leak.
 */
export async function resolveOwnRequest(ctx: ReadContext, requestId: string): Promise<ResolvedItem> {
  const target = { kind: 'inference', requestId } as const;
  const row = (await liveRows(ctx.store, requestId)).find((r) => r.caller === ctx.actor.name);
  const owner = row && inferenceOwner(row);
  if (!row || !owner) throw notFound(target);
  const endpoint = await findEndpoint(ctx.store, row.endpoint);
  if (!endpoint) throw new NotFoundError(`endpoint "${row.endpoint}" of request "${requestId}" no longer exists`);
  const denial = await endpointAccessDenial({ store: ctx.store, actor: ctx.actor, endpoint, privilege: 'EXECUTE' });
  if (denial) throw denial;
  return { kind: 'inference', owner, row };
}

/** READ on the item's model: hidden → NotFoundError (as absent), visible but not readable → PermissionDeniedError. */
async function authorizeRead(ctx: ReadContext, modelName: string, target: FeedbackTarget): Promise<void> {
  const n = parseThreeLevelName(modelName);
  const check = await checkAccess({
    store: ctx.store,
    actor: ctx.actor,
    privilege: 'READ',
    target: { catalog: n.catalog, schema: n.schema, model: n.name },
  });
  if (check.outcome === 'hidden') throw notFound(target);
  if (check.outcome === 'denied') throw new PermissionDeniedError(`principal "${ctx.actor.name}" lacks ${check.lacks}`);
}

/**
 * The item a reviewer labels: an inference row (live, answered by a model) or an eval row; needs
 * READ on the model it belongs to. A request id shared by several live requests (a client reused
 * its x-request-id) is refused as ambiguous.
 */
export async function resolveReviewItem(ctx: ReadContext, target: FeedbackTarget): Promise<ResolvedItem> {
  if (target.kind === 'inference') {
    const rows = (await liveRows(ctx.store, target.requestId)).filter((r) => inferenceOwner(r) !== undefined);
    if (rows.length === 0) throw notFound(target);
    for (const r of rows) await authorizeRead(ctx, r.modelName!, target);
    if (rows.length > 1) {
      throw new ConflictError(`request id "${target.requestId}" names ${rows.length} requests; it cannot be reviewed`);
    }
    return { kind: 'inference', owner: inferenceOwner(rows[0]!)!, row: rows[0]! };
  }
  let run: EvalRun;
  try {
    run = await getEvalRun({ ...ctx, id: target.runId });
  } catch (error) {
    if (NotFoundError.isInstance(error)) throw notFound(target);
    throw error;
  }
  const row = await findRunRow(ctx.store, run.id, target.rowId);
  if (!row) throw notFound(target);
  return {
    kind: 'eval_row',
    owner: { modelName: run.modelName, modelVersion: run.modelVersion, endpoint: null, arm: null },
    run,
    row,
  };
}

/** The question of an inference row: its last user message (null when content was not logged). */
export function inferenceQuestion(row: StoredInferenceRow): string | null {
  return row.requestMessages?.filter((m) => m.role === 'user').at(-1)?.content ?? null;
}
