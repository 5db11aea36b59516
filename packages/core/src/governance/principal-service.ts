import { parseInput } from '../errors/parse-input.ts';
import { NotFoundError, PermissionDeniedError } from '../errors/ragops-error.ts';
import { withConflictMessage } from '../registry/conflict-message.ts';
import type { Page, PageRequest } from '../registry/registry-schemas.ts';
import { nowIso, type ServiceContext } from '../registry/service-context.ts';
import type { SqlExecutor, SqlRow } from '../store/metadata-store.ts';
import { paginate } from '../store/page-token.ts';
import { writeAudit } from './audit.ts';
import { requireAdmin } from './authorize.ts';
import { type NewPrincipal, newPrincipalSchema, type Principal, principalNameSchema } from './governance-schemas.ts';

/** The admin principal every store has from its first migration; the local CLI acts as it. */
export const LOCAL_ADMIN_PRINCIPAL = 'admin';

export function toPrincipal(row: SqlRow): Principal {
  return {
    name: String(row.name),
    kind: row.kind === 'service' ? 'service' : 'user',
    displayName: String(row.display_name),
    isAdmin: Number(row.is_admin) === 1,
    createdAt: String(row.created_at),
    createdBy: String(row.created_by),
  };
}

/** Reads a principal; NotFoundError when absent. No privilege check (used by authentication). */
export async function readPrincipal(db: SqlExecutor, name: string): Promise<Principal> {
  const row = await db.get('SELECT * FROM principals WHERE name = ?', [name]);
  if (!row) throw new NotFoundError(`principal "${name}" not found`);
  return toPrincipal(row);
}

/** Creates a user or service principal. Admin only; ConflictError when the name is taken. */
export async function createPrincipal(ctx: ServiceContext & { principal: NewPrincipal }): Promise<Principal> {
  const input = parseInput(newPrincipalSchema, ctx.principal, 'principal');
  requireAdmin(ctx.actor, 'create principals');
  return withConflictMessage(`principal "${input.name}" already exists`, () =>
    ctx.store.transaction(async (tx) => {
      const principal: Principal = {
        name: input.name,
        kind: input.kind,
        displayName: input.displayName ?? input.name,
        isAdmin: input.isAdmin,
        createdAt: nowIso(),
        createdBy: ctx.actor.name,
      };
      await tx.run(
        'INSERT INTO principals (name, kind, display_name, is_admin, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)',
        [
          principal.name,
          principal.kind,
          principal.displayName,
          principal.isAdmin ? 1 : 0,
          principal.createdAt,
          principal.createdBy,
        ],
      );
      await writeAudit(tx, {
        actor: ctx.actor,
        requestId: ctx.requestId,
        action: 'principal.create',
        objectType: 'principal',
        objectName: principal.name,
        after: principal,
      });
      // What was stored (the store may have rewritten text, e.g. a NUL), not what was asked for.
      return readPrincipal(tx, principal.name);
    }),
  );
}

/** One principal: the actor itself, or any principal for an admin (else PermissionDeniedError). */
export async function getPrincipal(ctx: Omit<ServiceContext, 'requestId'> & { name: string }): Promise<Principal> {
  const name = parseInput(principalNameSchema, ctx.name, 'principal name');
  if (!ctx.actor.isAdmin && ctx.actor.name !== name)
    throw new PermissionDeniedError('only an admin may read other principals');
  return readPrincipal(ctx.store, name);
}

/** All principals, by name. Admin only. */
export async function listPrincipals(ctx: Omit<ServiceContext, 'requestId'> & PageRequest): Promise<Page<Principal>> {
  requireAdmin(ctx.actor, 'list principals');
  return paginate(ctx, async (limit, offset) =>
    (await ctx.store.all('SELECT * FROM principals ORDER BY name LIMIT ? OFFSET ?', [limit, offset])).map(toPrincipal),
  );
}
