import { NotFoundError, PermissionDeniedError, RagopsError } from '../errors/ragops-error.ts';
import type { SqlExecutor } from '../store/metadata-store.ts';
import {
  type AccessFacts,
  type AccessTarget,
  canSee,
  hasEffectivePrivilege,
  targetName,
  targetType,
} from './access-rules.ts';
import type { Principal, Privilege, SecurableType } from './governance-schemas.ts';

/** The grants held by `actor` (admins need none). */
export async function loadGrants(db: SqlExecutor, actor: Principal): Promise<AccessFacts['grants']> {
  if (actor.isAdmin) return [];
  const rows = await db.all<{ privilege: string; securable_type: string; securable_name: string }>(
    'SELECT privilege, securable_type, securable_name FROM grants WHERE principal = ?',
    [actor.name],
  );
  return rows.map((r) => ({
    privilege: r.privilege as Privilege,
    securableType: r.securable_type as SecurableType,
    securableName: r.securable_name,
  }));
}

/** Access facts from already loaded grants and the owners of the target's catalog, schema, model. */
export function factsFor(
  actor: Principal,
  grants: AccessFacts['grants'],
  owners: { catalog?: string; schema?: string; model?: string },
): AccessFacts {
  return {
    isAdmin: actor.isAdmin,
    grants,
    owns: {
      catalog: owners.catalog === actor.name,
      schema: owners.schema === actor.name,
      model: owners.model === actor.name,
    },
  };
}

/** Loads what the access rules need; throws NotFoundError when the target does not exist. */
export async function loadAccessFacts(db: SqlExecutor, actor: Principal, target: AccessTarget): Promise<AccessFacts> {
  const owners = await loadOwners(db, target);
  return factsFor(actor, await loadGrants(db, actor), owners);
}

async function loadOwners(
  db: SqlExecutor,
  target: AccessTarget,
): Promise<{ catalog?: string; schema?: string; model?: string }> {
  const notFound = () => new NotFoundError(`${targetType(target)} "${targetName(target)}" not found`);
  const catalog = await db.get<{ owner: string }>('SELECT owner FROM catalogs WHERE name = ?', [target.catalog]);
  if (!catalog) throw notFound();
  if (target.schema === undefined) return { catalog: catalog.owner };
  const schema = await db.get<{ owner: string }>('SELECT owner FROM schemas WHERE catalog = ? AND name = ?', [
    target.catalog,
    target.schema,
  ]);
  if (!schema) throw notFound();
  if (target.model === undefined) return { catalog: catalog.owner, schema: schema.owner };
  const model = await db.get<{ owner: string }>(
    'SELECT owner FROM registered_models WHERE catalog = ? AND schema = ? AND name = ?',
    [target.catalog, target.schema, target.model],
  );
  if (!model) throw notFound();
  return { catalog: catalog.owner, schema: schema.owner, model: model.owner };
}

/**
 * Checks that `actor` holds `privilege` on the target (with inheritance, ownership and usage rules).
 * Throws NotFoundError when the target does not exist or the actor may not see it (the same message
 * either way, so existence does not leak), PermissionDeniedError when it is visible but not allowed.
 * @example await authorize({ store, actor, privilege: 'MANAGE', target: { catalog: 'dev', schema: 's', model: 'm' } })
 */
export async function authorize(input: {
  store: SqlExecutor;
  actor: Principal;
  privilege: Privilege;
  target: AccessTarget;
}): Promise<void> {
  const facts = await loadAccessFacts(input.store, input.actor, input.target);
  if (!canSee(facts, input.target)) {
    throw new NotFoundError(`${targetType(input.target)} "${targetName(input.target)}" not found`);
  }
  if (!hasEffectivePrivilege(facts, input.privilege, input.target)) {
    throw new PermissionDeniedError(
      `principal "${input.actor.name}" lacks ${input.privilege} on ${targetType(input.target)} "${targetName(input.target)}"`,
      { details: { privilege: input.privilege, securable: targetName(input.target) } },
    );
  }
}

/** Whether `actor` holds `privilege` on the target; false (never throws) when it does not exist. */
export async function hasPrivilege(input: {
  store: SqlExecutor;
  actor: Principal;
  privilege: Privilege;
  target: AccessTarget;
}): Promise<boolean> {
  try {
    await authorize(input);
    return true;
  } catch (error) {
    if (RagopsError.isInstance(error) && (error.code === 'not_found' || error.code === 'permission_denied'))
      return false;
    throw error;
  }
}

/** Throws PermissionDeniedError unless the actor is an admin. */
export function requireAdmin(actor: Principal, what: string): void {
  if (!actor.isAdmin) throw new PermissionDeniedError(`only an admin may ${what}`);
}
