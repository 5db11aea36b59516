import { authorize, NotFoundError, paginate, parseThreeLevelName } from '@ragops/core';
import type { EvalContext } from '../runs/eval-run-service.ts';
import type { GateDecision } from './gate-decision.ts';
import { selectDecision, selectDecisions } from './gate-decision-store.ts';

type ReadContext = Omit<EvalContext, 'requestId'>;

async function authorizeRead(ctx: ReadContext, model: string): Promise<void> {
  const n = parseThreeLevelName(model);
  await authorize({ ...ctx, privilege: 'READ', target: { catalog: n.catalog, schema: n.schema, model: n.name } });
}

/** A decision, if the actor may READ its model; NotFoundError otherwise (its existence does not leak). */
export async function getGateDecision(ctx: ReadContext & { id: string }): Promise<GateDecision> {
  const d = await selectDecision(ctx.store, ctx.id);
  if (!d) throw new NotFoundError(`gate decision "${ctx.id}" not found`);
  await authorizeRead(ctx, d.model).catch((error: unknown) => {
    throw new NotFoundError(`gate decision "${ctx.id}" not found`, { cause: error });
  });
  return d;
}

/** The decision log of a model (optionally one alias), newest first; needs READ on the model. */
export async function listGateDecisions(
  ctx: ReadContext & { model: string; alias?: string; pageSize?: number; pageToken?: string },
): Promise<{ items: GateDecision[]; nextPageToken?: string }> {
  await authorizeRead(ctx, ctx.model);
  const n = parseThreeLevelName(ctx.model);
  const model = `${n.catalog}.${n.schema}.${n.name}`;
  return paginate(ctx, (limit, offset) =>
    selectDecisions(ctx.store, { model, ...(ctx.alias !== undefined && { alias: ctx.alias }), limit, offset }),
  );
}
