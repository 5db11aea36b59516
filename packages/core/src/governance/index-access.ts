import { NotFoundError, PermissionDeniedError } from '../errors/ragops-error.ts';
import { parseThreeLevelName } from '../names/three-level-name.ts';
import type { SqlExecutor } from '../store/metadata-store.ts';
import type { AccessTarget } from './access-rules.ts';
import { checkAccess } from './authorize.ts';
import type { Principal } from './governance-schemas.ts';

// An index `catalog.schema.name` is an asset of its schema, like a model. READ on an index means
// READ on its schema or catalog, with USE_CATALOG on the catalog and USE_SCHEMA on the schema: the
// resolution rules of models, called here, not re-written (docs/registry.md, "Governance of indexes").
// There is no per-index grant: the registry has no index rows to grant on, and a schema is the unit
// a team shares its corpora in.

/** The access target of an index: its schema. InvalidInputError when the name is not three-level. */
export function indexAccessTarget(indexName: string): AccessTarget {
  const n = parseThreeLevelName(indexName);
  return { catalog: n.catalog, schema: n.schema };
}

/** What an index check is for, named in its messages. */
type Purpose = 'read' | 'pin';

/**
 * Whether `actor` may read the index (its build records, document list, source path; pin it into a
 * model version): undefined when it may, else the error to throw. Admins may read every index, also
 * one whose schema is not in the registry. For anyone else NotFoundError when the index's schema
 * does not exist or is invisible to it (the same message either way), PermissionDeniedError naming
 * what is missing when it can see the schema or holds a grant there.
 */
export async function indexReadDenial(input: {
  store: SqlExecutor;
  actor: Principal;
  index: string;
  purpose?: Purpose;
}): Promise<NotFoundError | PermissionDeniedError | undefined> {
  const target = indexAccessTarget(input.index);
  if (input.actor.isAdmin) return undefined;
  const check = await checkAccess({ store: input.store, actor: input.actor, privilege: 'READ', target });
  const verb = input.purpose ?? 'read';
  if (check.outcome === 'allowed') return undefined;
  if (check.outcome === 'hidden') {
    return new NotFoundError(
      `index "${input.index}" not found: to ${verb} it a principal needs READ on schema "${target.catalog}.${target.schema}" (with USE_CATALOG and USE_SCHEMA), and the schema must exist`,
      { details: { index: input.index } },
    );
  }
  return new PermissionDeniedError(
    `principal "${input.actor.name}" may not ${verb} index "${input.index}": lacks ${check.lacks}`,
    {
      details: { index: input.index, privilege: 'READ', missing: check.missing },
    },
  );
}

/**
 * Throws what indexReadDenial returns. Every path that creates a model version (register, the API,
 * copy) calls it with `purpose: 'pin'` before anything is pinned or written.
 * @example await authorizeIndexRead({ store, actor, index: 'prod.secret.docs', purpose: 'pin' })
 */
export async function authorizeIndexRead(input: {
  store: SqlExecutor;
  actor: Principal;
  index: string;
  purpose?: Purpose;
}): Promise<void> {
  const denial = await indexReadDenial(input);
  if (denial) throw denial;
}
