import type { SqlExecutor } from '@ragops/core';

const CURSOR = 'online-judging';

/** The last inference seq the judging worker has looked at (0 before the first pass). */
export async function readCursor(db: SqlExecutor): Promise<number> {
  const row = await db.get('SELECT last_seq FROM monitoring_judging_cursor WHERE name = ?', [CURSOR]);
  return row ? Number(row.last_seq) : 0;
}

/** Moves the cursor forward only (two replicas passing the same rows never move it back). */
export async function advanceCursor(db: SqlExecutor, seq: number, now: string): Promise<void> {
  const updated = await db.run(
    'UPDATE monitoring_judging_cursor SET last_seq = ?, updated_at = ? WHERE name = ? AND last_seq < ?',
    [seq, now, CURSOR, seq],
  );
  if (updated.changes === 0) {
    await db.run(
      'INSERT INTO monitoring_judging_cursor (name, last_seq, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING',
      [CURSOR, seq, now],
    );
  }
}

export type LedgerClaim = {
  requestId: string;
  judge: string;
  judgeKind: string;
  judgeVersion: string;
  endpoint: string;
  servedEntity: string | null;
  modelName: string | null;
  modelVersion: number | null;
  requestTs: string;
  judgedAt: string;
};

/**
 * Claims (request, judge) before the judge is called: the primary key lets exactly one claimant
 * win across replicas and re-runs, so a request is never judged (nor paid for) twice. Returns
 * false when it was claimed already. A claim whose worker died stays `pending` (never retried: a
 * sample may lose an item, it may not double-count one).
 */
export async function claimJudgement(db: SqlExecutor, c: LedgerClaim): Promise<boolean> {
  const { changes } = await db.run(
    `INSERT INTO monitoring_judging_ledger (request_id, judge, judge_kind, judge_version, endpoint, served_entity,
       model_name, model_version, request_ts, score, error, cost_usd, judged_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 'pending', 0, ?) ON CONFLICT (request_id, judge) DO NOTHING`,
    [
      c.requestId,
      c.judge,
      c.judgeKind,
      c.judgeVersion,
      c.endpoint,
      c.servedEntity,
      c.modelName,
      c.modelVersion,
      c.requestTs,
      c.judgedAt,
    ],
  );
  return changes === 1;
}

/** Records the verdict of a claimed judgement: a score, or the judge's error; and what it cost. */
export async function completeJudgement(
  db: SqlExecutor,
  r: { requestId: string; judge: string; score: number | null; error: string | null; costUsd: number },
): Promise<void> {
  await db.run(
    'UPDATE monitoring_judging_ledger SET score = ?, error = ?, cost_usd = ? WHERE request_id = ? AND judge = ?',
    [r.score, r.error, r.costUsd, r.requestId, r.judge],
  );
}

/** Requests judged and spend since `since` (all replicas): what the budget is checked against. */
export async function judgingUsage(db: SqlExecutor, since: string): Promise<{ requests: number; costUsd: number }> {
  const row = await db.get(
    'SELECT COUNT(DISTINCT request_id) AS requests, COALESCE(SUM(cost_usd), 0) AS cost FROM monitoring_judging_ledger WHERE judged_at >= ?',
    [since],
  );
  return { requests: Number(row?.requests ?? 0), costUsd: Number(row?.cost ?? 0) };
}
