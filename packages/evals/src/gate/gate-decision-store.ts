import type { SqlExecutor, SqlRow } from '@ragops/core';
import { z } from 'zod';
import { CRITERION_VERDICTS, DECISION_OUTCOMES, type GateCriterion, type GateDecision } from './gate-decision.ts';

const intervalSchema = z.strictObject({ mean: z.number(), low: z.number(), high: z.number(), n: z.number() });
const criteriaSchema = z.array(
  z.strictObject({
    criterion: z.string(),
    dataset: z.string().nullable(),
    value: z.number().nullable(),
    interval: intervalSchema.nullable(),
    threshold: z.string(),
    verdict: z.enum(CRITERION_VERDICTS),
    note: z.string(),
  }),
);

// JSON columns are parsed back with zod (STYLE.md §5): a damaged row fails loudly, not as undefined.
function toDecision(row: SqlRow): GateDecision {
  return {
    id: String(row.id),
    model: String(row.model_name),
    alias: String(row.alias),
    candidateVersion: Number(row.candidate_version),
    holderVersion: row.holder_version === null ? null : Number(row.holder_version),
    policyHash: row.policy_hash === null ? null : String(row.policy_hash),
    outcome: z.enum(DECISION_OUTCOMES).parse(row.outcome),
    moved: Number(row.moved) === 1,
    criteria: criteriaSchema.parse(JSON.parse(String(row.criteria))) as GateCriterion[],
    runIds: z.array(z.string()).parse(JSON.parse(String(row.run_ids))),
    reason: String(row.reason),
    note: row.note === null ? null : String(row.note),
    createdBy: String(row.created_by),
    createdAt: String(row.created_at),
  };
}

export async function insertDecision(tx: SqlExecutor, d: GateDecision): Promise<void> {
  await tx.run(
    `INSERT INTO gate_decisions (id, model_name, alias, candidate_version, holder_version, policy_hash, outcome, moved,
       criteria, run_ids, reason, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      d.id,
      d.model,
      d.alias,
      d.candidateVersion,
      d.holderVersion,
      d.policyHash,
      d.outcome,
      d.moved ? 1 : 0,
      JSON.stringify(d.criteria),
      JSON.stringify(d.runIds),
      d.reason,
      d.note,
      d.createdBy,
      d.createdAt,
    ],
  );
}

/** Marks a passed decision as moved, or records why it did not move. */
export async function updateDecisionMove(
  tx: SqlExecutor,
  id: string,
  move: { moved: boolean; note: string | null },
): Promise<void> {
  await tx.run('UPDATE gate_decisions SET moved = ?, note = ? WHERE id = ?', [move.moved ? 1 : 0, move.note, id]);
}

export async function selectDecision(db: SqlExecutor, id: string): Promise<GateDecision | undefined> {
  const row = await db.get('SELECT * FROM gate_decisions WHERE id = ?', [id]);
  return row ? toDecision(row) : undefined;
}

/** Decisions of a model (optionally one alias), newest first. */
export async function selectDecisions(
  db: SqlExecutor,
  q: { model: string; alias?: string; limit: number; offset: number },
): Promise<GateDecision[]> {
  const rows = await db.all(
    `SELECT * FROM gate_decisions WHERE model_name = ?${q.alias === undefined ? '' : ' AND alias = ?'}
     ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
    [q.model, ...(q.alias === undefined ? [] : [q.alias]), q.limit, q.offset],
  );
  return rows.map(toDecision);
}
