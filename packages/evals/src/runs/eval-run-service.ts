import { randomBytes } from 'node:crypto';
import {
  authorize,
  formatModelUri,
  hasPrivilege,
  InvalidInputError,
  type MetadataStore,
  NotFoundError,
  type Principal,
  paginate,
  parseThreeLevelName,
  recordLineageLink,
  resolveModelUri,
  writeAudit,
} from '@ragops/core';
import type { EvalDataset } from '../datasets/load-eval-dataset.ts';
import type { Judge } from '../judges/judge.ts';
import { findRun, insertRun, selectRunRows, selectRuns } from '../store/eval-run-store.ts';
import type { EvalRun, EvalRunRow, RunJudge } from './eval-run-schemas.ts';

/** Who asks and where: the store, the acting principal, the request id written to the audit row. */
export type EvalContext = { store: MetadataStore; actor: Principal; requestId: string };
type ReadContext = Omit<EvalContext, 'requestId'>;

/** The lineage relation from a model version to an eval run on it (shown by `models lineage`). */
export const EVAL_RUN_LINK = { kind: 'eval_run', relation: 'evaluated_by' } as const;

/** What a judge contributes to a run's identity (a Judge, or a RunJudge as the promptfoo bridge builds). */
export function runJudgeOf(judge: Pick<Judge, 'name' | 'kind' | 'version' | 'model'>): RunJudge {
  return { name: judge.name, kind: judge.kind, version: judge.version, ...(judge.model && { model: judge.model }) };
}

function modelTarget(modelName: string) {
  const n = parseThreeLevelName(modelName);
  return { catalog: n.catalog, schema: n.schema, model: n.name };
}

/**
 * Creates a run of `modelUri` (an alias is resolved now: the run pins that version) on the dataset's
 * rows (the first `limit`, in file order) with `judges`. Needs EXECUTE on the model (a run calls the
 * chain and may spend money). Records the run, its lineage link and an audit row in one transaction.
 */
export async function createEvalRun(
  ctx: EvalContext & {
    modelUri: string;
    dataset: EvalDataset;
    judges: readonly Pick<Judge, 'name' | 'kind' | 'version' | 'model'>[];
    repeats?: number;
    limit?: number;
  },
): Promise<EvalRun> {
  const repeats = ctx.repeats ?? 1;
  if (!Number.isInteger(repeats) || repeats < 1 || repeats > 10) {
    throw new InvalidInputError(`repeats: ${repeats} is not an integer from 1 to 10`);
  }
  if (ctx.judges.length === 0) throw new InvalidInputError('judges: name at least one judge');
  const v = await resolveModelUri({ store: ctx.store, actor: ctx.actor, uri: ctx.modelUri, privilege: 'EXECUTE' });
  const rows = ctx.limit === undefined ? ctx.dataset.rows : ctx.dataset.rows.slice(0, ctx.limit);
  if (rows.length === 0) throw new InvalidInputError(`dataset ${ctx.dataset.name} has no rows to run`);
  const now = new Date().toISOString();
  const run = {
    id: `er_${randomBytes(6).toString('hex')}`,
    modelUri: ctx.modelUri,
    modelName: v.fullName,
    modelVersion: v.version,
    versionUri: v.uri,
    dataset: { name: ctx.dataset.name, contentHash: ctx.dataset.contentHash, rowIds: rows.map((r) => r.id) },
    judges: ctx.judges.map(runJudgeOf),
    repeats,
    status: 'running' as const,
    rowsTotal: rows.length,
    createdBy: ctx.actor.name,
    createdAt: now,
  };
  await ctx.store.transaction(async (tx) => {
    await insertRun(tx, run);
    await recordLineageLink(tx, { versionUri: v.uri, ...EVAL_RUN_LINK, ref: run.id });
    await writeAudit(tx, {
      actor: ctx.actor,
      requestId: ctx.requestId,
      action: 'eval_run.create',
      objectType: 'eval_run',
      objectName: run.id,
      after: { model: v.uri, dataset: run.dataset.name, datasetHash: run.dataset.contentHash, rows: run.rowsTotal },
    });
  });
  return getEvalRun({ store: ctx.store, actor: ctx.actor, id: run.id });
}

/** A run, if the actor may READ its model. NotFoundError otherwise (a run's existence does not leak). */
export async function getEvalRun(ctx: ReadContext & { id: string }): Promise<EvalRun> {
  const run = await findRun(ctx.store, ctx.id);
  if (!run || !(await hasPrivilege({ ...ctx, privilege: 'READ', target: modelTarget(run.modelName) }))) {
    throw new NotFoundError(`eval run "${ctx.id}" not found`);
  }
  return run;
}

/**
 * Checks that the actor may run (or resume) `run`: EXECUTE on its model. NotFoundError when the run
 * is not visible, PermissionDeniedError when it is visible but not executable.
 */
export async function authorizeEvalRunExecution(ctx: ReadContext & { run: EvalRun }): Promise<void> {
  await authorize({ store: ctx.store, actor: ctx.actor, privilege: 'EXECUTE', target: modelTarget(ctx.run.modelName) });
}

/**
 * Runs newest first, only those on models the actor may READ; `model` narrows to one model
 * (`catalog.schema.model`, READ checked: NotFoundError / PermissionDeniedError). Pages are offsets
 * over all runs, so a page may hold fewer items than `pageSize` and still have a next page.
 */
export async function listEvalRuns(
  ctx: ReadContext & { model?: string; modelVersion?: number; pageSize?: number; pageToken?: string },
): Promise<{ items: EvalRun[]; nextPageToken?: string }> {
  if (ctx.model !== undefined) {
    await authorize({ store: ctx.store, actor: ctx.actor, privilege: 'READ', target: modelTarget(ctx.model) });
  }
  const readable = new Map<string, boolean>();
  const page = await paginate(ctx, (limit, offset) =>
    selectRuns(ctx.store, {
      ...(ctx.model !== undefined && { modelName: ctx.model }),
      ...(ctx.modelVersion !== undefined && { modelVersion: ctx.modelVersion }),
      limit,
      offset,
    }),
  );
  const items: EvalRun[] = [];
  for (const run of page.items) {
    let ok = readable.get(run.modelName);
    if (ok === undefined) {
      ok = await hasPrivilege({ ...ctx, privilege: 'READ', target: modelTarget(run.modelName) });
      readable.set(run.modelName, ok);
    }
    if (ok) items.push(run);
  }
  return { items, ...(page.nextPageToken && { nextPageToken: page.nextPageToken }) };
}

/** A run's scored rows in dataset order (needs READ on its model). */
export async function listEvalRunRows(
  ctx: ReadContext & { id: string; pageSize?: number; pageToken?: string },
): Promise<{ run: EvalRun; items: EvalRunRow[]; nextPageToken?: string }> {
  const run = await getEvalRun(ctx);
  const page = await paginate(ctx, (limit, offset) => selectRunRows(ctx.store, run.id, { limit, offset }));
  return { run, ...page };
}

/** Every scored row of a run (compare, aggregates); bounded by the dataset limits (50 000 rows). */
export async function allRunRows(store: MetadataStore, runId: string): Promise<EvalRunRow[]> {
  return selectRunRows(store, runId, { limit: 1_000_000, offset: 0 });
}

/** `models:/c.s.m/3` of a run (the version it pinned). */
export function runVersionUri(run: EvalRun): string {
  return formatModelUri({ name: parseThreeLevelName(run.modelName), ref: { version: run.modelVersion } });
}
