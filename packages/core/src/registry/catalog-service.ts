import { parseInput } from '../errors/parse-input.ts';
import { RagopsError } from '../errors/ragops-error.ts';
import { canSee } from '../governance/access-rules.ts';
import { writeAudit } from '../governance/audit.ts';
import { authorize, factsFor, loadGrants, requireAdmin } from '../governance/authorize.ts';
import { identifierSchema } from '../names/three-level-name.ts';
import { paginate } from '../store/page-token.ts';
import { withConflictMessage } from './conflict-message.ts';
import { toCatalog, toSchemaObject } from './registry-rows.ts';
import {
  type Catalog,
  newCatalogSchema,
  newSchemaObjectSchema,
  type Page,
  type PageRequest,
  type SchemaObject,
} from './registry-schemas.ts';
import { nowIso, type ServiceContext } from './service-context.ts';

/** The catalogs `ragops init` creates. */
export const DEFAULT_CATALOGS = ['dev', 'staging', 'prod'] as const;

/**
 * Creates the default catalogs (dev, staging, prod) that do not exist yet; idempotent.
 * Admin only. Returns the names created now.
 */
export async function initWorkspace(ctx: ServiceContext): Promise<{ created: string[]; catalogs: string[] }> {
  requireAdmin(ctx.actor, 'initialise the workspace');
  const created: string[] = [];
  for (const name of DEFAULT_CATALOGS) {
    const exists = await ctx.store.get('SELECT name FROM catalogs WHERE name = ?', [name]);
    if (exists) continue;
    await createCatalog({ ...ctx, catalog: { name, description: `${name} catalog` } });
    created.push(name);
  }
  return { created, catalogs: [...DEFAULT_CATALOGS] };
}

/** Creates a catalog owned by the actor. Admin only; ConflictError when it exists. */
export async function createCatalog(
  ctx: ServiceContext & { catalog: { name: string; description?: string } },
): Promise<Catalog> {
  const input = parseInput(newCatalogSchema, ctx.catalog, 'catalog');
  requireAdmin(ctx.actor, 'create catalogs');
  return withConflictMessage(`catalog "${input.name}" already exists`, () =>
    ctx.store.transaction(async (tx) => {
      const now = nowIso();
      const catalog: Catalog = {
        name: input.name,
        description: input.description ?? '',
        owner: ctx.actor.name,
        createdAt: now,
        updatedAt: now,
      };
      await tx.run('INSERT INTO catalogs (name, description, owner, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', [
        catalog.name,
        catalog.description,
        catalog.owner,
        now,
        now,
      ]);
      await writeAudit(tx, {
        ...auditBase(ctx),
        action: 'catalog.create',
        objectType: 'catalog',
        objectName: catalog.name,
        after: catalog,
      });
      return catalog;
    }),
  );
}

const auditBase = (ctx: ServiceContext) => ({ actor: ctx.actor, requestId: ctx.requestId });

/** One catalog. NotFoundError when absent or not visible to the actor (needs USE_CATALOG). */
export async function getCatalog(ctx: Omit<ServiceContext, 'requestId'> & { name: string }): Promise<Catalog> {
  const name = parseInput(identifierSchema, ctx.name, 'catalog name');
  await authorize({ store: ctx.store, actor: ctx.actor, privilege: 'USE_CATALOG', target: { catalog: name } });
  const row = await ctx.store.get('SELECT * FROM catalogs WHERE name = ?', [name]);
  return toCatalog(row!);
}

/** The catalogs the actor may see, by name. */
export async function listCatalogs(ctx: Omit<ServiceContext, 'requestId'> & PageRequest): Promise<Page<Catalog>> {
  const grants = await loadGrants(ctx.store, ctx.actor);
  const rows = (await ctx.store.all('SELECT * FROM catalogs ORDER BY name')).map(toCatalog);
  const visible = rows.filter((c) => canSee(factsFor(ctx.actor, grants, { catalog: c.owner }), { catalog: c.name }));
  return paginate(ctx, async (limit, offset) => visible.slice(offset, offset + limit));
}

/** Creates a schema in a catalog, owned by the actor. Needs MANAGE on the catalog (or ownership). */
export async function createSchema(
  ctx: ServiceContext & { catalog: string; schema: { name: string; description?: string } },
): Promise<SchemaObject> {
  const catalog = parseInput(identifierSchema, ctx.catalog, 'catalog name');
  const input = parseInput(newSchemaObjectSchema, ctx.schema, 'schema');
  await authorize({ store: ctx.store, actor: ctx.actor, privilege: 'MANAGE', target: { catalog } });
  return withConflictMessage(`schema "${catalog}.${input.name}" already exists`, () =>
    ctx.store.transaction(async (tx) => {
      const now = nowIso();
      const schema: SchemaObject = {
        catalog,
        name: input.name,
        fullName: `${catalog}.${input.name}`,
        description: input.description ?? '',
        owner: ctx.actor.name,
        createdAt: now,
        updatedAt: now,
      };
      await tx.run(
        'INSERT INTO schemas (catalog, name, description, owner, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
        [catalog, schema.name, schema.description, schema.owner, now, now],
      );
      await writeAudit(tx, {
        ...auditBase(ctx),
        action: 'schema.create',
        objectType: 'schema',
        objectName: schema.fullName,
        after: schema,
      });
      return schema;
    }),
  );
}

/**
 * Creates the schema unless it exists (`createSchemaIfMissing` of registrations and copies). Of two
 * concurrent callers (two pipelines on a new model) one creates it and the other's ConflictError is
 * answered by the row the first wrote; a ConflictError with no row behind it is thrown.
 */
export async function ensureSchema(ctx: ServiceContext & { catalog: string; schema: string }): Promise<void> {
  const exists = () =>
    ctx.store.get('SELECT name FROM schemas WHERE catalog = ? AND name = ?', [ctx.catalog, ctx.schema]);
  if (await exists()) return;
  try {
    await createSchema({ ...ctx, catalog: ctx.catalog, schema: { name: ctx.schema } });
  } catch (error) {
    if (!(RagopsError.isInstance(error) && error.code === 'conflict' && (await exists()))) throw error;
  }
}

/** One schema. NotFoundError when absent or not visible (needs USE_CATALOG and USE_SCHEMA). */
export async function getSchema(
  ctx: Omit<ServiceContext, 'requestId'> & { catalog: string; name: string },
): Promise<SchemaObject> {
  const catalog = parseInput(identifierSchema, ctx.catalog, 'catalog name');
  const name = parseInput(identifierSchema, ctx.name, 'schema name');
  await authorize({ store: ctx.store, actor: ctx.actor, privilege: 'USE_SCHEMA', target: { catalog, schema: name } });
  const row = await ctx.store.get('SELECT * FROM schemas WHERE catalog = ? AND name = ?', [catalog, name]);
  return toSchemaObject(row!);
}

/** The schemas of a catalog the actor may see. NotFoundError when the catalog is not visible. */
export async function listSchemas(
  ctx: Omit<ServiceContext, 'requestId'> & PageRequest & { catalog: string },
): Promise<Page<SchemaObject>> {
  const catalog = parseInput(identifierSchema, ctx.catalog, 'catalog name');
  await authorize({ store: ctx.store, actor: ctx.actor, privilege: 'USE_CATALOG', target: { catalog } });
  const owner = await ctx.store.get<{ owner: string }>('SELECT owner FROM catalogs WHERE name = ?', [catalog]);
  const grants = await loadGrants(ctx.store, ctx.actor);
  const rows = (await ctx.store.all('SELECT * FROM schemas WHERE catalog = ? ORDER BY name', [catalog])).map(
    toSchemaObject,
  );
  const visible = rows.filter((s) =>
    canSee(factsFor(ctx.actor, grants, { catalog: owner?.owner, schema: s.owner }), { catalog, schema: s.name }),
  );
  return paginate(ctx, async (limit, offset) => visible.slice(offset, offset + limit));
}
