import { ConflictError, InvalidInputError, NotFoundError } from '../errors/ragops-error.ts';
import { writeAudit } from '../governance/audit.ts';
import { authorize } from '../governance/authorize.ts';
import type { SqlExecutor } from '../store/metadata-store.ts';
import { aliasGateName, findAliasGate } from './alias-gate-service.ts';
import { parseModelName } from './model-service.ts';
import { modelKey } from './registry-rows.ts';
import { aliasNameProblem } from './registry-rules.ts';
import { nowIso, type ServiceContext } from './service-context.ts';
import { parseVersionNumber } from './version-service.ts';

/** The result of an alias move: where it pointed before (null when new) and where it points now. */
export type AliasMove = {
  model: string;
  alias: string;
  fromVersion: number | null;
  toVersion: number | null;
  reason: string;
};

/**
 * The one way a gated alias moves: a recorded gate decision (`@ragops/evals` promote, or a forced
 * override it logged) that saw the alias at `expectedFromVersion`. The move is conditional: when the
 * alias no longer points there (another promote won), it is refused with ConflictError.
 */
export type AliasPromotion = { decisionId: string; expectedFromVersion: number | null; override?: boolean };

function checkAlias(alias: string): string {
  const problem = aliasNameProblem(alias);
  if (problem) throw new InvalidInputError(problem);
  return alias;
}

/**
 * Points `alias` at `version` (creating or moving it). Needs MANAGE on the model. Audited with who,
 * from which version, to which, and why. NotFoundError when the version does not exist. A gated
 * alias (`alias_gates`) is refused with ConflictError naming the gate unless `promotion` is given.
 * @example await setAlias({ store, actor, requestId, name: 'dev.s.docs_qa', alias: 'champion', version: 3, reason: 'gate passed' })
 */
export async function setAlias(
  ctx: ServiceContext & { name: string; alias: string; version: number; reason?: string; promotion?: AliasPromotion },
): Promise<AliasMove> {
  const n = parseModelName(ctx.name);
  const alias = checkAlias(ctx.alias);
  const version = parseVersionNumber(ctx.version, 'version');
  await authorize({
    store: ctx.store,
    actor: ctx.actor,
    privilege: 'MANAGE',
    target: { catalog: n.catalog, schema: n.schema, model: n.name },
  });
  const full = `${n.catalog}.${n.schema}.${n.name}`;
  return ctx.store.transaction(async (tx) => {
    const exists = await tx.get(
      'SELECT version FROM model_versions WHERE catalog = ? AND schema = ? AND model = ? AND version = ?',
      [...modelKey(n), version],
    );
    if (!exists) throw new NotFoundError(`model version "models:/${full}/${version}" not found`);
    const before = await tx.get<{ version: number }>(
      'SELECT version FROM model_aliases WHERE catalog = ? AND schema = ? AND model = ? AND alias = ?',
      [...modelKey(n), alias],
    );
    const gate = await findAliasGate(tx, full, alias);
    if (gate && !ctx.promotion) {
      throw new ConflictError(
        `alias "${alias}" of ${full} is gated by ${aliasGateName(full, alias)} (${gate.source}): promote through the gate with \`ragops promote models:/${full}/${version} --to ${alias}\`, or override with --force --reason "<why>" (needs MANAGE; recorded in the decision log and the audit log)`,
        { details: { gate: aliasGateName(full, alias), policyHash: gate.policyHash } },
      );
    }
    const now = nowIso();
    if (ctx.promotion) {
      await moveIfUnchanged(tx, {
        key: [...modelKey(n), alias],
        version,
        actor: ctx.actor.name,
        now,
        ...ctx.promotion,
      });
    } else {
      await tx.run(
        `INSERT INTO model_aliases (catalog, schema, model, alias, version, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (catalog, schema, model, alias) DO UPDATE SET version = excluded.version, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
        [...modelKey(n), alias, version, ctx.actor.name, now],
      );
    }
    const move: AliasMove = {
      model: full,
      alias,
      fromVersion: before ? Number(before.version) : null,
      toVersion: version,
      reason: ctx.reason ?? '',
    };
    await writeAudit(tx, {
      actor: ctx.actor,
      requestId: ctx.requestId,
      action: 'alias.set',
      objectType: 'model_alias',
      objectName: `models:/${full}@${alias}`,
      before: before ? { version: move.fromVersion } : null,
      after: { version },
      details: {
        reason: move.reason,
        ...(gate && { gate: aliasGateName(full, alias) }),
        ...(ctx.promotion && { decisionId: ctx.promotion.decisionId, override: ctx.promotion.override === true }),
      },
    });
    return move;
  });
}

/**
 * The conditional move of a promotion: an UPDATE guarded by the version the decision saw (an INSERT
 * when it saw no alias; a concurrent insert is a unique-key ConflictError). Row-level, so it holds
 * on PostgreSQL under READ COMMITTED as well as under SQLite's single writer.
 */
async function moveIfUnchanged(
  tx: SqlExecutor,
  m: { key: string[]; version: number; actor: string; now: string; expectedFromVersion: number | null },
): Promise<void> {
  if (m.expectedFromVersion === null) {
    await tx.run(
      'INSERT INTO model_aliases (catalog, schema, model, alias, version, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [...m.key, m.version, m.actor, m.now],
    );
    return;
  }
  const { changes } = await tx.run(
    'UPDATE model_aliases SET version = ?, updated_by = ?, updated_at = ? WHERE catalog = ? AND schema = ? AND model = ? AND alias = ? AND version = ?',
    [m.version, m.actor, m.now, ...m.key, m.expectedFromVersion],
  );
  if (changes !== 1) {
    throw new ConflictError(
      `alias "${m.key[3]}" no longer points at version ${m.expectedFromVersion}: another move won; evaluate again against the new holder`,
    );
  }
}

/** Removes an alias. Needs MANAGE; NotFoundError when the alias does not exist. Audited with why. */
export async function deleteAlias(
  ctx: ServiceContext & { name: string; alias: string; reason?: string },
): Promise<AliasMove> {
  const n = parseModelName(ctx.name);
  const alias = checkAlias(ctx.alias);
  await authorize({
    store: ctx.store,
    actor: ctx.actor,
    privilege: 'MANAGE',
    target: { catalog: n.catalog, schema: n.schema, model: n.name },
  });
  const full = `${n.catalog}.${n.schema}.${n.name}`;
  return ctx.store.transaction(async (tx) => {
    const before = await tx.get<{ version: number }>(
      'SELECT version FROM model_aliases WHERE catalog = ? AND schema = ? AND model = ? AND alias = ?',
      [...modelKey(n), alias],
    );
    if (!before) throw new NotFoundError(`alias "${alias}" of model "${full}" not found`);
    const gate = await findAliasGate(tx, full, alias);
    if (gate) {
      throw new ConflictError(
        `alias "${alias}" of ${full} is gated by ${aliasGateName(full, alias)} (${gate.source}): remove the gate from the spec first`,
        { details: { gate: aliasGateName(full, alias) } },
      );
    }
    await tx.run('DELETE FROM model_aliases WHERE catalog = ? AND schema = ? AND model = ? AND alias = ?', [
      ...modelKey(n),
      alias,
    ]);
    const move: AliasMove = {
      model: full,
      alias,
      fromVersion: Number(before.version),
      toVersion: null,
      reason: ctx.reason ?? '',
    };
    await writeAudit(tx, {
      actor: ctx.actor,
      requestId: ctx.requestId,
      action: 'alias.delete',
      objectType: 'model_alias',
      objectName: `models:/${full}@${alias}`,
      before: { version: move.fromVersion },
      after: null,
      details: { reason: move.reason },
    });
    return move;
  });
}
