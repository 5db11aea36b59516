import { randomBytes, randomUUID } from 'node:crypto';
import { parseInput } from '../errors/parse-input.ts';
import {
  InvalidInputError,
  NotFoundError,
  PermissionDeniedError,
  UnauthenticatedError,
} from '../errors/ragops-error.ts';
import { sha256Hex } from '../registry/registry-rules.ts';
import type { Page, PageRequest } from '../registry/registry-schemas.ts';
import { nowIso, type ServiceContext } from '../registry/service-context.ts';
import type { MetadataStore, SqlRow } from '../store/metadata-store.ts';
import { paginate } from '../store/page-token.ts';
import { writeAudit } from './audit.ts';
import { type NewToken, newTokenSchema, type Principal, type TokenInfo } from './governance-schemas.ts';
import { readPrincipal, toPrincipal } from './principal-service.ts';

const TOKEN_PREFIX = 'rgo_';
/** last_used_at is refreshed at most this often, so authentication is not a write per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

function toTokenInfo(row: SqlRow): TokenInfo {
  const opt = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    id: String(row.id),
    principal: String(row.principal),
    description: String(row.description),
    prefix: String(row.prefix),
    createdAt: String(row.created_at),
    createdBy: String(row.created_by),
    expiresAt: opt(row.expires_at),
    revokedAt: opt(row.revoked_at),
    lastUsedAt: opt(row.last_used_at),
  };
}

/**
 * Creates an API token for the actor (or, for an admin, for `principal`). The secret is returned
 * once, here; only its sha256 is stored.
 * @example const { token } = await createToken({ store, actor, requestId, token: { expiresInSeconds: 3600 } })
 */
export async function createToken(
  ctx: ServiceContext & { token?: NewToken },
): Promise<{ token: string; info: TokenInfo }> {
  const input = parseInput(newTokenSchema, ctx.token ?? {}, 'token');
  const principalName = input.principal ?? ctx.actor.name;
  if (principalName !== ctx.actor.name && !ctx.actor.isAdmin) {
    throw new PermissionDeniedError('only an admin may create tokens for other principals');
  }
  if (input.expiresAt !== undefined && input.expiresInSeconds !== undefined) {
    throw new InvalidInputError('token: give expiresAt or expiresInSeconds, not both');
  }
  const now = new Date();
  const expiresAt =
    input.expiresAt !== undefined
      ? new Date(input.expiresAt).toISOString()
      : input.expiresInSeconds !== undefined
        ? new Date(now.getTime() + input.expiresInSeconds * 1000).toISOString()
        : null;
  if (expiresAt !== null && expiresAt <= now.toISOString())
    throw new InvalidInputError('token: expiresAt is in the past');
  const secret = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return ctx.store.transaction(async (tx) => {
    await readPrincipal(tx, principalName);
    const info: TokenInfo = {
      id: randomUUID(),
      principal: principalName,
      description: input.description ?? '',
      prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
      createdAt: now.toISOString(),
      createdBy: ctx.actor.name,
      expiresAt,
      revokedAt: null,
      lastUsedAt: null,
    };
    await tx.run(
      `INSERT INTO tokens (id, principal, token_hash, prefix, description, created_at, created_by, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        info.id,
        info.principal,
        sha256Hex(secret),
        info.prefix,
        info.description,
        info.createdAt,
        info.createdBy,
        expiresAt,
      ],
    );
    await writeAudit(tx, {
      actor: ctx.actor,
      requestId: ctx.requestId,
      action: 'token.create',
      objectType: 'token',
      objectName: info.id,
      after: { principal: info.principal, prefix: info.prefix, expiresAt },
    });
    // What was stored (the store may have rewritten text, e.g. a NUL), not what was asked for.
    return { token: secret, info: toTokenInfo((await tx.get('SELECT * FROM tokens WHERE id = ?', [info.id]))!) };
  });
}

/** Revokes a token (own tokens, or any for an admin). NotFoundError for unknown or foreign ids. */
export async function revokeToken(ctx: ServiceContext & { id: string }): Promise<TokenInfo> {
  return ctx.store.transaction(async (tx) => {
    const row = await tx.get('SELECT * FROM tokens WHERE id = ?', [ctx.id]);
    if (!row || (!ctx.actor.isAdmin && row.principal !== ctx.actor.name))
      throw new NotFoundError(`token "${ctx.id}" not found`);
    const before = toTokenInfo(row);
    if (before.revokedAt !== null) return before;
    const revokedAt = nowIso();
    await tx.run('UPDATE tokens SET revoked_at = ? WHERE id = ?', [revokedAt, ctx.id]);
    await writeAudit(tx, {
      actor: ctx.actor,
      requestId: ctx.requestId,
      action: 'token.revoke',
      objectType: 'token',
      objectName: ctx.id,
      before: { revokedAt: null },
      after: { revokedAt },
      details: { principal: before.principal },
    });
    return { ...before, revokedAt };
  });
}

/** Token metadata (never secrets): the actor's own, or (admin) another principal's or everyone's. */
export async function listTokens(
  ctx: Omit<ServiceContext, 'requestId'> & PageRequest & { principal?: string; all?: boolean },
): Promise<Page<TokenInfo>> {
  const forAll = ctx.all === true;
  const principal = ctx.principal ?? ctx.actor.name;
  if ((forAll || principal !== ctx.actor.name) && !ctx.actor.isAdmin)
    throw new PermissionDeniedError("only an admin may list other principals' tokens");
  return paginate(ctx, async (limit, offset) =>
    (forAll
      ? await ctx.store.all('SELECT * FROM tokens ORDER BY created_at, id LIMIT ? OFFSET ?', [limit, offset])
      : await ctx.store.all('SELECT * FROM tokens WHERE principal = ? ORDER BY created_at, id LIMIT ? OFFSET ?', [
          principal,
          limit,
          offset,
        ])
    ).map(toTokenInfo),
  );
}

/**
 * The principal a bearer token belongs to. UnauthenticatedError when it is unknown, revoked or
 * expired (one message for all three, so probing learns nothing).
 * @example const actor = await authenticate(store, header.slice('Bearer '.length))
 */
export async function authenticate(store: MetadataStore, token: string): Promise<Principal> {
  const fail = () => new UnauthenticatedError('invalid, expired or revoked token');
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) throw fail();
  const row = await store.get(
    `SELECT t.id, t.expires_at, t.revoked_at, t.last_used_at, p.* FROM tokens t JOIN principals p ON p.name = t.principal
     WHERE t.token_hash = ?`,
    [sha256Hex(token)],
  );
  if (!row || row.revoked_at !== null) throw fail();
  const now = nowIso();
  if (row.expires_at !== null && String(row.expires_at) <= now) throw fail();
  const lastUsed = row.last_used_at === null ? 0 : Date.parse(String(row.last_used_at));
  if (Date.now() - lastUsed > LAST_USED_RESOLUTION_MS) {
    await store.run('UPDATE tokens SET last_used_at = ? WHERE id = ?', [now, String(row.id)]);
  }
  return toPrincipal(row);
}
