import type { Privilege, SecurableType } from './governance-schemas.ts';

/** An object in the catalog hierarchy: a catalog, a schema in it, or a model in that. */
export type AccessTarget = { catalog: string; schema?: string; model?: string };

/** Everything the pure access rules need about one principal and one target. */
export type AccessFacts = {
  isAdmin: boolean;
  grants: readonly { privilege: Privilege; securableType: SecurableType; securableName: string }[];
  /** Whether the principal owns the target's catalog, schema, model (ownership covers descendants). */
  owns: { catalog: boolean; schema: boolean; model: boolean };
};

/** `dev`, `dev.s` or `dev.s.m` for a target. */
export function targetName(target: AccessTarget): string {
  return [target.catalog, target.schema, target.model].filter((p) => p !== undefined).join('.');
}

export function targetType(target: AccessTarget): SecurableType {
  if (target.model !== undefined) return 'model';
  return target.schema !== undefined ? 'schema' : 'catalog';
}

/** The securables a grant may sit on to apply to `target`: itself and its ancestors. */
function selfAndAncestors(target: AccessTarget): { type: SecurableType; name: string }[] {
  const out: { type: SecurableType; name: string }[] = [{ type: 'catalog', name: target.catalog }];
  if (target.schema !== undefined) out.push({ type: 'schema', name: `${target.catalog}.${target.schema}` });
  if (target.schema !== undefined && target.model !== undefined) {
    out.push({ type: 'model', name: `${target.catalog}.${target.schema}.${target.model}` });
  }
  return out;
}

function ownsSelfOrAncestor(facts: AccessFacts, target: AccessTarget): boolean {
  if (facts.owns.catalog) return true;
  if (target.schema !== undefined && facts.owns.schema) return true;
  return target.model !== undefined && facts.owns.model;
}

/** Privilege held on target directly, by inheritance from an ancestor, by ownership, or as admin. */
export function holds(facts: AccessFacts, privilege: Privilege, target: AccessTarget): boolean {
  if (facts.isAdmin || ownsSelfOrAncestor(facts, target)) return true;
  const levels = selfAndAncestors(target);
  return facts.grants.some(
    (g) => g.privilege === privilege && levels.some((l) => l.type === g.securableType && l.name === g.securableName),
  );
}

/**
 * Whether the principal may see that the target exists. A catalog needs USE_CATALOG; a schema also
 * USE_SCHEMA; a model also one of READ, EXECUTE or MANAGE. What it may not see is reported as not found.
 */
export function canSee(facts: AccessFacts, target: AccessTarget): boolean {
  const catalog = { catalog: target.catalog };
  if (!holds(facts, 'USE_CATALOG', catalog)) return false;
  if (target.schema === undefined) return true;
  if (!holds(facts, 'USE_SCHEMA', { catalog: target.catalog, schema: target.schema })) return false;
  if (target.model === undefined) return true;
  return (['READ', 'EXECUTE', 'MANAGE'] as const).some((p) => holds(facts, p, target));
}

/** One privilege a principal lacks for an operation, and the securable it is missing on. */
export type MissingPrivilege = { privilege: Privilege; securable: { type: SecurableType; name: string } };

/**
 * What the principal lacks for `privilege` on the target, in the order a governed catalog checks
 * it: USE_CATALOG on the catalog, USE_SCHEMA on the schema, then the privilege itself (each may be
 * held at its own level or inherited from above). Empty when the effective privilege is held.
 */
export function missingPrivileges(facts: AccessFacts, privilege: Privilege, target: AccessTarget): MissingPrivilege[] {
  const missing: MissingPrivilege[] = [];
  const need = (p: Privilege, on: AccessTarget) => {
    const securable = { type: targetType(on), name: targetName(on) };
    if (holds(facts, p, on) || missing.some((m) => m.privilege === p && m.securable.name === securable.name)) return;
    missing.push({ privilege: p, securable });
  };
  need('USE_CATALOG', { catalog: target.catalog });
  if (target.schema !== undefined) need('USE_SCHEMA', { catalog: target.catalog, schema: target.schema });
  need(privilege, target);
  return missing;
}

/**
 * The effective privilege: held on the target (or inherited/owned) plus the usage privileges on its
 * parents (USE_CATALOG on the catalog, USE_SCHEMA on the schema), as in a governed catalog.
 */
export function hasEffectivePrivilege(facts: AccessFacts, privilege: Privilege, target: AccessTarget): boolean {
  return missingPrivileges(facts, privilege, target).length === 0;
}

// Whether a grant on an ancestor of `target` gives a right over the target itself: not usage
// (USE_CATALOG alone must not reveal what a catalog holds), and not CREATE_MODEL for a model (the
// right to add models to a schema is not a right over the models already in it).
function coversDescendant(privilege: Privilege, target: AccessTarget): boolean {
  if (privilege === 'USE_CATALOG' || privilege === 'USE_SCHEMA') return false;
  return !(privilege === 'CREATE_MODEL' && target.model !== undefined);
}

/**
 * Whether the principal already knows the target exists: it owns it, holds a grant on it or on a
 * descendant (whose name contains the target's), or a grant on an ancestor that covers the target
 * (see coversDescendant). Telling it which privilege is missing then leaks nothing.
 */
export function knowsOf(facts: AccessFacts, target: AccessTarget): boolean {
  if (facts.isAdmin || ownsSelfOrAncestor(facts, target)) return true;
  const name = targetName(target);
  const self = { type: targetType(target), name };
  const ancestors = selfAndAncestors(target).filter((l) => l.name !== name);
  return facts.grants.some(
    (g) =>
      g.securableName.startsWith(`${name}.`) ||
      (g.securableType === self.type && g.securableName === name) ||
      (coversDescendant(g.privilege, target) &&
        ancestors.some((l) => l.type === g.securableType && l.name === g.securableName)),
  );
}

/** `USE_CATALOG on catalog "dev", USE_SCHEMA on schema "dev.s"`: the missing privileges, for messages. */
export function describeMissing(missing: readonly MissingPrivilege[]): string {
  return missing.map((m) => `${m.privilege} on ${m.securable.type} "${m.securable.name}"`).join(', ');
}
