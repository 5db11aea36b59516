import { parseInput } from '../errors/parse-input.ts';
import { canSee } from '../governance/access-rules.ts';
import { writeAudit } from '../governance/audit.ts';
import { authorize, factsFor, loadGrants } from '../governance/authorize.ts';
import { identifierSchema, parseThreeLevelName, type ThreeLevelName } from '../names/three-level-name.ts';
import type { SqlExecutor } from '../store/metadata-store.ts';
import { paginate } from '../store/page-token.ts';
import { withConflictMessage } from './conflict-message.ts';
import { modelKey, readModel, toAlias, toRegisteredModel } from './registry-rows.ts';
import {
  type NewRegisteredModel,
  newRegisteredModelSchema,
  type Page,
  type PageRequest,
  type RegisteredModel,
  type RegisteredModelUpdate,
  registeredModelUpdateSchema,
} from './registry-schemas.ts';
import { nowIso, type ServiceContext } from './service-context.ts';

type ReadContext = Omit<ServiceContext, 'requestId'>;

/** Parses a `catalog.schema.model` name (InvalidInputError naming the problem). */
export function parseModelName(name: string): ThreeLevelName {
  return parseThreeLevelName(name);
}

/** Inserts the model row (last_version 0) and audits it; caller checked CREATE_MODEL. */
export async function insertModel(
  tx: SqlExecutor,
  ctx: ServiceContext,
  n: ThreeLevelName,
  input: NewRegisteredModel,
): Promise<void> {
  const now = nowIso();
  await tx.run(
    `INSERT INTO registered_models (catalog, schema, name, description, tags, owner, created_at, updated_at, last_version)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)`,
    [...modelKey(n), input.description ?? '', JSON.stringify(input.tags ?? {}), ctx.actor.name, now, now],
  );
  await writeAudit(tx, {
    actor: ctx.actor,
    requestId: ctx.requestId,
    action: 'model.create',
    objectType: 'model',
    objectName: `${n.catalog}.${n.schema}.${n.name}`,
    after: { description: input.description ?? '', tags: input.tags ?? {} },
  });
}

/**
 * Creates a registered model owned by the actor. Needs CREATE_MODEL on its schema (or catalog).
 * ConflictError when it exists; NotFoundError when the schema is absent or not visible.
 */
export async function createModel(
  ctx: ServiceContext & { name: string; model?: NewRegisteredModel },
): Promise<RegisteredModel> {
  const n = parseModelName(ctx.name);
  const input = parseInput(newRegisteredModelSchema, ctx.model ?? {}, 'model');
  await authorize({
    store: ctx.store,
    actor: ctx.actor,
    privilege: 'CREATE_MODEL',
    target: { catalog: n.catalog, schema: n.schema },
  });
  return withConflictMessage(`model "${ctx.name}" already exists`, () =>
    ctx.store.transaction(async (tx) => {
      await insertModel(tx, ctx, n, input);
      return readModel(tx, n);
    }),
  );
}

/** One model with its aliases. Needs READ; NotFoundError when absent or not visible. */
export async function getModel(ctx: ReadContext & { name: string }): Promise<RegisteredModel> {
  const n = parseModelName(ctx.name);
  await authorize({
    store: ctx.store,
    actor: ctx.actor,
    privilege: 'READ',
    target: { catalog: n.catalog, schema: n.schema, model: n.name },
  });
  return readModel(ctx.store, n);
}

/** Models the actor may see, optionally in one catalog or schema, by full name. */
export async function listModels(
  ctx: ReadContext & PageRequest & { catalog?: string; schema?: string },
): Promise<Page<RegisteredModel>> {
  const where: string[] = [];
  const params: string[] = [];
  if (ctx.catalog !== undefined) {
    where.push('m.catalog = ?');
    params.push(parseInput(identifierSchema, ctx.catalog, 'catalog'));
  }
  if (ctx.schema !== undefined) {
    where.push('m.schema = ?');
    params.push(parseInput(identifierSchema, ctx.schema, 'schema'));
  }
  const rows = await ctx.store.all(
    `SELECT m.*, c.owner AS catalog_owner, s.owner AS schema_owner FROM registered_models m
     JOIN catalogs c ON c.name = m.catalog JOIN schemas s ON s.catalog = m.catalog AND s.name = m.schema
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY m.catalog, m.schema, m.name`,
    params,
  );
  const grants = await loadGrants(ctx.store, ctx.actor);
  const visible = rows.filter((r) =>
    canSee(
      factsFor(ctx.actor, grants, {
        catalog: String(r.catalog_owner),
        schema: String(r.schema_owner),
        model: String(r.owner),
      }),
      { catalog: String(r.catalog), schema: String(r.schema), model: String(r.name) },
    ),
  );
  const aliases = await ctx.store.all('SELECT * FROM model_aliases ORDER BY alias');
  return paginate(ctx, async (limit, offset) =>
    visible
      .slice(offset, offset + limit)
      .map((r) =>
        toRegisteredModel(
          r,
          aliases.filter((a) => a.catalog === r.catalog && a.schema === r.schema && a.model === r.name).map(toAlias),
        ),
      ),
  );
}

/** Changes a model's description and/or tags (tags are replaced). Needs MANAGE. */
export async function updateModel(
  ctx: ServiceContext & { name: string; update: RegisteredModelUpdate },
): Promise<RegisteredModel> {
  const n = parseModelName(ctx.name);
  const update = parseInput(registeredModelUpdateSchema, ctx.update, 'model update');
  await authorize({
    store: ctx.store,
    actor: ctx.actor,
    privilege: 'MANAGE',
    target: { catalog: n.catalog, schema: n.schema, model: n.name },
  });
  return ctx.store.transaction(async (tx) => {
    const before = await readModel(tx, n);
    const description = update.description ?? before.description;
    const tags = update.tags ?? before.tags;
    await tx.run(
      'UPDATE registered_models SET description = ?, tags = ?, updated_at = ? WHERE catalog = ? AND schema = ? AND name = ?',
      [description, JSON.stringify(tags), nowIso(), ...modelKey(n)],
    );
    await writeAudit(tx, {
      actor: ctx.actor,
      requestId: ctx.requestId,
      action: 'model.update',
      objectType: 'model',
      objectName: before.fullName,
      before: { description: before.description, tags: before.tags },
      after: { description, tags },
    });
    return readModel(tx, n);
  });
}
