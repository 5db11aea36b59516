import { NotFoundError, PermissionDeniedError, type RagopsError } from '../errors/ragops-error.ts';
import type { SqlExecutor } from '../store/metadata-store.ts';
import {
  type AccessFacts,
  type AccessTarget,
  canSee,
  describeMissing,
  knowsOf,
  type MissingPrivilege,
  missingPrivileges,
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

type AuthorizeInput = { store: SqlExecutor; actor: Principal; privilege: Privilege; target: AccessTarget };

/**
 * The outcome of one access check: allowed; hidden (the target does not exist, or the actor may not
 * see it and does not know of it); or denied with the missing privileges and a sentence naming them.
 */
export type AccessCheck =
  | { outcome: 'allowed' }
  | { outcome: 'hidden' }
  | { outcome: 'denied'; missing: MissingPrivilege[]; lacks: string };

/** Checks `privilege` on the target without throwing (see AccessCheck). */
export async function checkAccess(input: AuthorizeInput): Promise<AccessCheck> {
  let facts: AccessFacts;
  try {
    facts = await loadAccessFacts(input.store, input.actor, input.target);
  } catch (error) {
    if (NotFoundError.isInstance(error) && error.code === 'not_found') return { outcome: 'hidden' };
    throw error;
  }
  const missing = missingPrivileges(facts, input.privilege, input.target);
  if (missing.length === 0) return { outcome: 'allowed' };
  if (!canSee(facts, input.target) && !knowsOf(facts, input.target)) return { outcome: 'hidden' };
  const wanted = `${input.privilege} on ${targetType(input.target)} "${targetName(input.target)}"`;
  // Usage alone missing: say what it is needed for; the privilege itself missing: it ends the list.
  const itself = missing.some((m) => m.privilege === input.privilege);
  return {
    outcome: 'denied',
    missing,
    lacks: itself ? describeMissing(missing) : `${describeMissing(missing)} (needed for ${wanted})`,
  };
}

/**
 * Why `actor` may not use `privilege` on the target, as the error to throw, or undefined when it
 * may. NotFoundError when the target is hidden (the same message whether it exists or not, so
 * existence does not leak); otherwise PermissionDeniedError naming exactly what is missing and
 * where: `principal "bob" lacks USE_CATALOG on catalog "dev" (needed for EXECUTE on model "dev.s.m")`.
 */
export async function accessDenial(input: AuthorizeInput): Promise<RagopsError | undefined> {
  const check = await checkAccess(input);
  if (check.outcome === 'allowed') return undefined;
  if (check.outcome === 'hidden') {
    return new NotFoundError(`${targetType(input.target)} "${targetName(input.target)}" not found`);
  }
  return new PermissionDeniedError(`principal "${input.actor.name}" lacks ${check.lacks}`, {
    details: { privilege: input.privilege, securable: targetName(input.target), missing: check.missing },
  });
}

/**
 * Checks that `actor` holds `privilege` on the target (with inheritance, ownership and usage rules).
 * Throws what accessDenial returns: NotFoundError for what the actor may not see, PermissionDeniedError
 * naming the missing privileges for what it may see (or knows of through a grant).
 * @example await authorize({ store, actor, privilege: 'MANAGE', target: { catalog: 'dev', schema: 's', model: 'm' } })
 */
export async function authorize(input: AuthorizeInput): Promise<void> {
  const denial = await accessDenial(input);
  if (denial) throw denial;
}

/** Whether `actor` holds `privilege` on the target; false (never throws) when it does not exist. */
export async function hasPrivilege(input: AuthorizeInput): Promise<boolean> {
  return (await accessDenial(input)) === undefined;
}

/** Throws PermissionDeniedError unless the actor is an admin. */
export function requireAdmin(actor: Principal, what: string): void {
  if (!actor.isAdmin) throw new PermissionDeniedError(`only an admin may ${what}`);
}
