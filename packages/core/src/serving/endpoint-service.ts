import { parseInput } from '../errors/parse-input.ts';
import { ConflictError, NotFoundError, PermissionDeniedError } from '../errors/ragops-error.ts';
import type { MissingPrivilege } from '../governance/access-rules.ts';
import { writeAudit } from '../governance/audit.ts';
import { checkAccess } from '../governance/authorize.ts';
import type { Privilege } from '../governance/governance-schemas.ts';
import { type LineageLinkTarget, replaceLineageLinks } from '../registry/lineage-service.ts';
import { parseModelUri } from '../registry/model-uri.ts';
import { canonicalJson } from '../registry/registry-rules.ts';
import type { Page, PageRequest } from '../registry/registry-schemas.ts';
import { nowIso, type ServiceContext } from '../registry/service-context.ts';
import { resolveModelUri } from '../registry/version-service.ts';
import type { SqlExecutor, SqlRow } from '../store/metadata-store.ts';
import { paginate } from '../store/page-token.ts';
import {
  type Endpoint,
  type EndpointConfig,
  type EndpointConfigInput,
  endpointConfigSchema,
  endpointNameSchema,
} from './endpoint-schemas.ts';

type ReadContext = Omit<ServiceContext, 'requestId'>;

/** Every model URI an endpoint references (served arms and shadow). */
export function endpointModelUris(config: EndpointConfig): string[] {
  return [...config.served.map((e) => e.model), ...(config.shadow ? [config.shadow.model] : [])];
}

/** Lineage links of an endpoint's config: `serves` per served arm, `shadows` for the shadow. */
function endpointLinks(config: EndpointConfig): LineageLinkTarget[] {
  return [
    ...config.served.map((e) => ({ versionUri: e.model, relation: 'serves' })),
    ...(config.shadow ? [{ versionUri: config.shadow.model, relation: 'shadows' }] : []),
  ];
}

function toEndpoint(row: SqlRow): Endpoint {
  return {
    name: String(row.name),
    config: parseInput(endpointConfigSchema, JSON.parse(String(row.config)), `serving_endpoints.config of ${row.name}`),
    createdBy: String(row.created_by),
    createdAt: String(row.created_at),
    updatedBy: String(row.updated_by),
    updatedAt: String(row.updated_at),
  };
}

/** The stored endpoint, without authorization (the serving hot path checks EXECUTE itself). */
export async function findEndpoint(db: SqlExecutor, name: string): Promise<Endpoint | undefined> {
  const row = await db.get('SELECT * FROM serving_endpoints WHERE name = ?', [name]);
  return row ? toEndpoint(row) : undefined;
}

/**
 * Why `actor` may not use the endpoint with `privilege` (EXECUTE to call it), or undefined when it
 * holds it on every model the endpoint references: a PermissionDeniedError naming exactly what is
 * missing on each model it knows of (the same rules as `authorize`); models it may not see are
 * counted, not named, so an endpoint does not reveal what it serves.
 */
export async function endpointAccessDenial(
  ctx: ReadContext & { endpoint: Endpoint; privilege: Privilege },
): Promise<PermissionDeniedError | undefined> {
  const lacks: string[] = [];
  const missing: MissingPrivilege[] = [];
  let hidden = 0;
  for (const uri of endpointModelUris(ctx.endpoint.config)) {
    const { name } = parseModelUri(uri);
    const target = { catalog: name.catalog, schema: name.schema, model: name.name };
    const check = await checkAccess({ store: ctx.store, actor: ctx.actor, privilege: ctx.privilege, target });
    if (check.outcome === 'denied') {
      lacks.push(check.lacks);
      missing.push(...check.missing);
    } else if (check.outcome === 'hidden') hidden++;
  }
  if (lacks.length === 0 && hidden === 0) return undefined;
  if (hidden > 0)
    lacks.push(
      `${ctx.privilege} on ${hidden === 1 ? 'a model' : `${hidden} models`} it serves that the principal may not see`,
    );
  const verb = ctx.privilege === 'EXECUTE' ? 'call' : `use (${ctx.privilege})`;
  return new PermissionDeniedError(
    `principal "${ctx.actor.name}" may not ${verb} endpoint "${ctx.endpoint.name}": lacks ${lacks.join('; ')}`,
    { details: { privilege: ctx.privilege, endpoint: ctx.endpoint.name, missing, hiddenModels: hidden } },
  );
}

/** Whether `actor` holds `privilege` on every model the endpoint references. */
export async function mayUseEndpoint(
  ctx: ReadContext & { endpoint: Endpoint; privilege: Privilege },
): Promise<boolean> {
  return (await endpointAccessDenial(ctx)) === undefined;
}

async function checkModels(ctx: ReadContext, config: EndpointConfig): Promise<void> {
  // MANAGE on every referenced model, and every URI must resolve now (a typo fails here, not at serving time).
  for (const uri of endpointModelUris(config)) {
    await resolveModelUri({ store: ctx.store, actor: ctx.actor, uri, privilege: 'MANAGE' });
  }
}

/**
 * Creates an endpoint. Needs MANAGE on every referenced model; each URI must resolve. Audited.
 * ConflictError when the name is taken; InvalidInputError for a bad config (traffic not summing to 100, …).
 */
export async function createEndpoint(
  ctx: ServiceContext & { name: string; config: EndpointConfigInput },
): Promise<Endpoint> {
  const name = parseInput(endpointNameSchema, ctx.name, 'endpoint name');
  const config = parseInput(endpointConfigSchema, ctx.config, `endpoint ${name}`);
  await checkModels(ctx, config);
  const now = nowIso();
  return ctx.store.transaction(async (tx) => {
    if (await findEndpoint(tx, name)) throw new ConflictError(`endpoint "${name}" already exists: use update`);
    await tx.run(
      `INSERT INTO serving_endpoints (name, description, config, created_by, created_at, updated_by, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [name, config.description, JSON.stringify(config), ctx.actor.name, now, ctx.actor.name, now],
    );
    await replaceLineageLinks(tx, { kind: 'endpoint', ref: name, links: endpointLinks(config) });
    await writeAudit(tx, {
      actor: ctx.actor,
      requestId: ctx.requestId,
      action: 'endpoint.create',
      objectType: 'endpoint',
      objectName: name,
      after: config,
    });
    return (await findEndpoint(tx, name))!;
  });
}

/** Replaces an endpoint's config. Needs MANAGE on every model of the old and the new config. Audited. */
export async function updateEndpoint(
  ctx: ServiceContext & { name: string; config: EndpointConfigInput },
): Promise<Endpoint> {
  const name = parseInput(endpointNameSchema, ctx.name, 'endpoint name');
  const config = parseInput(endpointConfigSchema, ctx.config, `endpoint ${name}`);
  const before = await findEndpoint(ctx.store, name);
  if (!before) throw new NotFoundError(`endpoint "${name}" not found`);
  await checkModels(ctx, before.config);
  await checkModels(ctx, config);
  return ctx.store.transaction(async (tx) => {
    const changed = await tx.run(
      'UPDATE serving_endpoints SET description = ?, config = ?, updated_by = ?, updated_at = ? WHERE name = ?',
      [config.description, JSON.stringify(config), ctx.actor.name, nowIso(), name],
    );
    if (changed.changes === 0) throw new NotFoundError(`endpoint "${name}" not found`);
    await replaceLineageLinks(tx, { kind: 'endpoint', ref: name, links: endpointLinks(config) });
    await writeAudit(tx, {
      actor: ctx.actor,
      requestId: ctx.requestId,
      action: 'endpoint.update',
      objectType: 'endpoint',
      objectName: name,
      before: before.config,
      after: config,
    });
    return (await findEndpoint(tx, name))!;
  });
}

/** One endpoint; NotFoundError when absent or when the actor may neither READ nor EXECUTE its models. */
export async function getEndpoint(ctx: ReadContext & { name: string }): Promise<Endpoint> {
  parseInput(endpointNameSchema, ctx.name, 'endpoint name');
  const endpoint = await findEndpoint(ctx.store, ctx.name);
  if (!endpoint || !(await visible(ctx, endpoint))) throw new NotFoundError(`endpoint "${ctx.name}" not found`);
  return endpoint;
}

/** Endpoints the actor may see (READ or EXECUTE on all their models), by name. */
export async function listEndpoints(ctx: ReadContext & PageRequest): Promise<Page<Endpoint>> {
  const rows = await ctx.store.all('SELECT * FROM serving_endpoints ORDER BY name');
  const all: Endpoint[] = [];
  for (const row of rows) {
    const endpoint = toEndpoint(row);
    if (await visible(ctx, endpoint)) all.push(endpoint);
  }
  return paginate(ctx, async (limit, offset) => all.slice(offset, offset + limit));
}

/** Deletes an endpoint. Needs MANAGE on its models. Audited. */
export async function deleteEndpoint(ctx: ServiceContext & { name: string }): Promise<Endpoint> {
  parseInput(endpointNameSchema, ctx.name, 'endpoint name');
  const before = await findEndpoint(ctx.store, ctx.name);
  if (!before) throw new NotFoundError(`endpoint "${ctx.name}" not found`);
  await checkModels(ctx, before.config);
  await ctx.store.transaction(async (tx) => {
    await tx.run('DELETE FROM serving_endpoints WHERE name = ?', [ctx.name]);
    await replaceLineageLinks(tx, { kind: 'endpoint', ref: ctx.name, links: [] });
    await writeAudit(tx, {
      actor: ctx.actor,
      requestId: ctx.requestId,
      action: 'endpoint.delete',
      objectType: 'endpoint',
      objectName: ctx.name,
      before: before.config,
    });
  });
  return before;
}

/**
 * Applies ragops.yaml `endpoints:` (deploy-code): creates missing endpoints and updates changed
 * ones; endpoints not in the spec are left alone. Returns what happened to each.
 */
export async function applyEndpointSpecs(
  ctx: ServiceContext & { endpoints: Record<string, EndpointConfigInput> },
): Promise<{ name: string; action: 'created' | 'updated' | 'unchanged' }[]> {
  const results: { name: string; action: 'created' | 'updated' | 'unchanged' }[] = [];
  for (const [name, input] of Object.entries(ctx.endpoints)) {
    const config = parseInput(endpointConfigSchema, input, `endpoints.${name}`);
    const existing = await findEndpoint(ctx.store, name);
    if (!existing) {
      await createEndpoint({ ...ctx, name, config: input });
      results.push({ name, action: 'created' });
    } else if (canonicalJson(existing.config) !== canonicalJson(config)) {
      await updateEndpoint({ ...ctx, name, config: input });
      results.push({ name, action: 'updated' });
    } else {
      results.push({ name, action: 'unchanged' });
    }
  }
  return results;
}

async function visible(ctx: ReadContext, endpoint: Endpoint): Promise<boolean> {
  return (
    ctx.actor.isAdmin ||
    (await mayUseEndpoint({ ...ctx, endpoint, privilege: 'EXECUTE' })) ||
    (await mayUseEndpoint({ ...ctx, endpoint, privilege: 'READ' }))
  );
}
