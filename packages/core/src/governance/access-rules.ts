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

/**
 * The effective privilege: held on the target (or inherited/owned) plus the usage privileges on its
 * parents (USE_CATALOG on the catalog, USE_SCHEMA on the schema), as in a governed catalog.
 */
export function hasEffectivePrivilege(facts: AccessFacts, privilege: Privilege, target: AccessTarget): boolean {
  if (!holds(facts, 'USE_CATALOG', { catalog: target.catalog })) return false;
  if (target.schema !== undefined && !holds(facts, 'USE_SCHEMA', { catalog: target.catalog, schema: target.schema })) {
    return false;
  }
  return holds(facts, privilege, target);
}
