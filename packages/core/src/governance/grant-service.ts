import { parseInput } from '../errors/parse-input.ts';
import { InvalidInputError, NotFoundError } from '../errors/ragops-error.ts';
import type { Page, PageRequest } from '../registry/registry-schemas.ts';
import { nowIso, type ServiceContext } from '../registry/service-context.ts';
import type { SqlRow } from '../store/metadata-store.ts';
import { paginate } from '../store/page-token.ts';
import type { AccessTarget } from './access-rules.ts';
import { writeAudit } from './audit.ts';
import { authorize, requireAdmin } from './authorize.ts';
import {
  type Grant,
  type GrantChange,
  grantChangeSchema,
  PRIVILEGE_LEVELS,
  type Privilege,
  type Securable,
  securableSchema,
} from './governance-schemas.ts';
import { readPrincipal } from './principal-service.ts';
import { IDENTIFIER_PATTERN } from './securable-name.ts';

/** The access target of a securable (`dev`, `dev.s`, `dev.s.m`); InvalidInputError on a bad name. */
export function securableTarget(securable: Securable): AccessTarget {
  const parts = securable.name.split('.');
  const expected = { catalog: 1, schema: 2, model: 3 }[securable.type];
  if (parts.length !== expected || !parts.every((p) => IDENTIFIER_PATTERN.test(p))) {
    throw new InvalidInputError(
      `securable: "${securable.name}" is not a ${securable.type} name (${['catalog', 'catalog.schema', 'catalog.schema.model'][expected - 1]})`,
    );
  }
  const [catalog, schema, model] = parts as [string, string | undefined, string | undefined];
  return { catalog, schema, model };
}

function checkLevel(privilege: Privilege, securable: Securable): void {
  if (!PRIVILEGE_LEVELS[privilege].includes(securable.type)) {
    throw new InvalidInputError(
      `${privilege} cannot be granted on a ${securable.type}; allowed on: ${PRIVILEGE_LEVELS[privilege].join(', ')}`,
    );
  }
}

function toGrant(row: SqlRow): Grant {
  return {
    principal: String(row.principal),
    privilege: String(row.privilege) as Privilege,
    securable: { type: String(row.securable_type) as Securable['type'], name: String(row.securable_name) },
    grantedBy: String(row.granted_by),
    createdAt: String(row.created_at),
  };
}

/**
 * Grants a privilege on a catalog, schema or model (it applies to everything below). Needs MANAGE
 * on the securable. Idempotent: granting what is held returns the existing grant.
 * @example await addGrant({ store, actor, requestId, grant: { principal: 'bob', privilege: 'READ', securable: { type: 'schema', name: 'dev.support' } } })
 */
export async function addGrant(ctx: ServiceContext & { grant: GrantChange }): Promise<Grant> {
  const g = parseInput(grantChangeSchema, ctx.grant, 'grant');
  const target = securableTarget(g.securable);
  checkLevel(g.privilege, g.securable);
  await authorize({ store: ctx.store, actor: ctx.actor, privilege: 'MANAGE', target });
  return ctx.store.transaction(async (tx) => {
    await readPrincipal(tx, g.principal);
    const key = [g.principal, g.privilege, g.securable.type, g.securable.name];
    const existing = await tx.get(
      'SELECT * FROM grants WHERE principal = ? AND privilege = ? AND securable_type = ? AND securable_name = ?',
      key,
    );
    if (existing) return toGrant(existing);
    const grant: Grant = {
      principal: g.principal,
      privilege: g.privilege,
      securable: g.securable,
      grantedBy: ctx.actor.name,
      createdAt: nowIso(),
    };
    await tx.run(
      'INSERT INTO grants (principal, privilege, securable_type, securable_name, granted_by, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [...key, grant.grantedBy, grant.createdAt],
    );
    await writeAudit(tx, {
      actor: ctx.actor,
      requestId: ctx.requestId,
      action: 'grant.add',
      objectType: g.securable.type,
      objectName: g.securable.name,
      after: { principal: g.principal, privilege: g.privilege },
    });
    return grant;
  });
}

/** Revokes a grant. Needs MANAGE on the securable; NotFoundError when no such grant exists. */
export async function revokeGrant(ctx: ServiceContext & { grant: GrantChange }): Promise<Grant> {
  const g = parseInput(grantChangeSchema, ctx.grant, 'grant');
  const target = securableTarget(g.securable);
  await authorize({ store: ctx.store, actor: ctx.actor, privilege: 'MANAGE', target });
  return ctx.store.transaction(async (tx) => {
    const key = [g.principal, g.privilege, g.securable.type, g.securable.name];
    const existing = await tx.get(
      'SELECT * FROM grants WHERE principal = ? AND privilege = ? AND securable_type = ? AND securable_name = ?',
      key,
    );
    if (!existing)
      throw new NotFoundError(
        `principal "${g.principal}" holds no ${g.privilege} on ${g.securable.type} "${g.securable.name}"`,
      );
    await tx.run(
      'DELETE FROM grants WHERE principal = ? AND privilege = ? AND securable_type = ? AND securable_name = ?',
      key,
    );
    await writeAudit(tx, {
      actor: ctx.actor,
      requestId: ctx.requestId,
      action: 'grant.revoke',
      objectType: g.securable.type,
      objectName: g.securable.name,
      before: { principal: g.principal, privilege: g.privilege },
    });
    return toGrant(existing);
  });
}

/**
 * Grants on one securable (needs MANAGE on it), or of one principal (the actor's own, or any for
 * an admin), or all grants (admin).
 */
export async function listGrants(
  ctx: Omit<ServiceContext, 'requestId'> & PageRequest & { securable?: Securable; principal?: string },
): Promise<Page<Grant>> {
  const where: string[] = [];
  const params: string[] = [];
  if (ctx.securable) {
    const securable = parseInput(securableSchema, ctx.securable, 'securable');
    await authorize({ store: ctx.store, actor: ctx.actor, privilege: 'MANAGE', target: securableTarget(securable) });
    where.push('securable_type = ? AND securable_name = ?');
    params.push(securable.type, securable.name);
  }
  if (ctx.principal !== undefined) {
    if (!ctx.securable && ctx.principal !== ctx.actor.name)
      requireAdmin(ctx.actor, 'list the grants of other principals');
    where.push('principal = ?');
    params.push(ctx.principal);
  }
  if (!ctx.securable && ctx.principal === undefined) requireAdmin(ctx.actor, 'list all grants');
  const sql = `SELECT * FROM grants${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY securable_type, securable_name, principal, privilege LIMIT ? OFFSET ?`;
  return paginate(ctx, async (limit, offset) => (await ctx.store.all(sql, [...params, limit, offset])).map(toGrant));
}
