import { writeAudit } from '../governance/audit.ts';
import { authorize } from '../governance/authorize.ts';
import type { SqlExecutor } from '../store/metadata-store.ts';
import { parseModelName } from './model-service.ts';
import { modelKey } from './registry-rows.ts';
import { canonicalJson, sha256Hex } from './registry-rules.ts';
import { nowIso, type ServiceContext } from './service-context.ts';

/**
 * A gated alias: it moves only through its promotion gate (a decision that passed) or a forced,
 * audited override. `policy` is opaque here; @ragops/evals parses and evaluates it.
 */
export type AliasGate = {
  model: string;
  alias: string;
  policy: unknown;
  policyHash: string;
  /** Where the policy came from (`ragops.yaml` path), for messages. */
  source: string;
  updatedBy: string;
  updatedAt: string;
};

/** The gate name used in messages and audit rows: `gates.<model>.<alias>`. */
export const aliasGateName = (model: string, alias: string): string => `gates.${model}.${alias}`;

function toGate(row: Record<string, unknown>, model: string): AliasGate {
  return {
    model,
    alias: String(row.alias),
    policy: JSON.parse(String(row.policy_json)) as unknown,
    policyHash: String(row.policy_hash),
    source: String(row.source),
    updatedBy: String(row.updated_by),
    updatedAt: String(row.updated_at),
  };
}

/** The gate of `alias` on model `name` (catalog.schema.model), or undefined when it moves freely. */
export async function findAliasGate(db: SqlExecutor, name: string, alias: string): Promise<AliasGate | undefined> {
  const n = parseModelName(name);
  const row = await db.get('SELECT * FROM alias_gates WHERE catalog = ? AND schema = ? AND model = ? AND alias = ?', [
    ...modelKey(n),
    alias,
  ]);
  return row ? toGate(row, `${n.catalog}.${n.schema}.${n.name}`) : undefined;
}

/** What a spec says about one model's gates: alias → policy (already validated by the caller). */
export type ModelGates = { model: string; source: string; aliases: Record<string, unknown> };

/**
 * Makes the store's gates of `model` equal to the spec's (deploy-code: ragops.yaml is the source of
 * truth): adds and updates changed policies, removes gates the spec no longer has. Needs MANAGE on
 * the model; each change is audited (`alias_gate.set` / `alias_gate.delete`); an unchanged gate
 * writes nothing. Returns the aliases whose gate changed.
 */
export async function syncAliasGates(ctx: ServiceContext & ModelGates): Promise<string[]> {
  const n = parseModelName(ctx.model);
  const full = `${n.catalog}.${n.schema}.${n.name}`;
  await authorize({
    store: ctx.store,
    actor: ctx.actor,
    privilege: 'MANAGE',
    target: { catalog: n.catalog, schema: n.schema, model: n.name },
  });
  return ctx.store.transaction(async (tx) => {
    const rows = await tx.all('SELECT * FROM alias_gates WHERE catalog = ? AND schema = ? AND model = ?', modelKey(n));
    const current = new Map(rows.map((r) => [String(r.alias), toGate(r, full)]));
    const changed: string[] = [];
    const now = nowIso();
    for (const [alias, policy] of Object.entries(ctx.aliases)) {
      const policyJson = canonicalJson(policy);
      const policyHash = sha256Hex(policyJson);
      const before = current.get(alias);
      current.delete(alias);
      if (before?.policyHash === policyHash) continue;
      await tx.run(
        `INSERT INTO alias_gates (catalog, schema, model, alias, policy_json, policy_hash, source, updated_by, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (catalog, schema, model, alias) DO UPDATE SET policy_json = excluded.policy_json,
           policy_hash = excluded.policy_hash, source = excluded.source, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
        [...modelKey(n), alias, policyJson, policyHash, ctx.source, ctx.actor.name, now],
      );
      await writeAudit(tx, {
        actor: ctx.actor,
        requestId: ctx.requestId,
        action: 'alias_gate.set',
        objectType: 'alias_gate',
        objectName: aliasGateName(full, alias),
        before: before ? { policyHash: before.policyHash } : null,
        after: { policyHash, source: ctx.source },
      });
      changed.push(alias);
    }
    for (const gone of current.values()) {
      await tx.run('DELETE FROM alias_gates WHERE catalog = ? AND schema = ? AND model = ? AND alias = ?', [
        ...modelKey(n),
        gone.alias,
      ]);
      await writeAudit(tx, {
        actor: ctx.actor,
        requestId: ctx.requestId,
        action: 'alias_gate.delete',
        objectType: 'alias_gate',
        objectName: aliasGateName(full, gone.alias),
        before: { policyHash: gone.policyHash },
        after: null,
        details: { source: ctx.source },
      });
      changed.push(gone.alias);
    }
    return changed;
  });
}
