import { queryInferenceRows, type SqlExecutor, type SqlValue } from '@ragops/core';
import { type ArmMoments, momentsFromSums } from './confidence-sequence.ts';

/** What the split test reads of one arm over a period. */
export type ArmData = {
  arm: string;
  latencyMs: ArmMoments & { p50: number | null; p95: number | null };
  costUsd: ArmMoments;
  errors: { requests: number; errors: number };
  /** Truncated at `maxRows` (the moments cover the first rows only). */
  truncated: boolean;
};

const percentile = (sorted: readonly number[], q: number) =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/**
 * Latency, cost and error counts per arm of an endpoint's live traffic in [since, until), read
 * through the inference table's query (pages of 10 000 by seq, at most `maxRows`).
 */
export async function readArmData(
  db: SqlExecutor,
  q: {
    endpoint: string;
    arms: readonly string[];
    since?: string;
    until?: string;
    maxRows: number;
    /** Only rows of this model version on the arm (arms not in the map: every version). */
    versions?: ReadonlyMap<string, number>;
  },
): Promise<Map<string, ArmData>> {
  const latencies = new Map<string, number[]>(q.arms.map((a) => [a, []]));
  const cost = new Map<string, number[]>(q.arms.map((a) => [a, []]));
  const errors = new Map(q.arms.map((a) => [a, { requests: 0, errors: 0 }]));
  let afterSeq = 0;
  let read = 0;
  let truncated = false;
  for (;;) {
    const page = await queryInferenceRows(db, {
      endpoint: q.endpoint,
      trafficArm: 'live',
      afterSeq,
      limit: 10_000,
      ...(q.since !== undefined && { since: q.since }),
      ...(q.until !== undefined && { until: q.until }),
    });
    for (const row of page) {
      const arm = row.servedEntity;
      const e = arm === null ? undefined : errors.get(arm);
      if (arm === null || !e) continue;
      const version = q.versions?.get(arm);
      if (version !== undefined && row.modelVersion !== version) continue;
      e.requests++;
      if (row.status === 'error') e.errors++;
      else latencies.get(arm)!.push(row.latencyTotalMs);
      if (row.costUsd !== null) cost.get(arm)!.push(row.costUsd);
    }
    read += page.length;
    if (page.length < 10_000) break;
    if (read >= q.maxRows) {
      truncated = true;
      break;
    }
    afterSeq = page.at(-1)!.seq;
  }
  const moments = (xs: readonly number[]) =>
    momentsFromSums(
      xs.length,
      xs.reduce((s, x) => s + x, 0),
      xs.reduce((s, x) => s + x * x, 0),
    );
  return new Map(
    q.arms.map((arm) => {
      const l = [...latencies.get(arm)!].sort((a, b) => a - b);
      return [
        arm,
        {
          arm,
          latencyMs: { ...moments(l), p50: percentile(l, 0.5), p95: percentile(l, 0.95) },
          costUsd: moments(cost.get(arm)!),
          errors: errors.get(arm)!,
          truncated,
        },
      ];
    }),
  );
}

/** Moments of one online judge's scores per arm (this module's ledger), in [since, until) of request time. */
export async function readJudgeMoments(
  db: SqlExecutor,
  q: { endpoint: string; judge: string; since?: string; until?: string; versions?: ReadonlyMap<string, number> },
): Promise<Map<string, ArmMoments>> {
  const where = ['endpoint = ?', 'judge = ?', 'score IS NOT NULL'];
  const params: SqlValue[] = [q.endpoint, q.judge];
  if (q.since !== undefined) {
    where.push('request_ts >= ?');
    params.push(q.since);
  }
  if (q.until !== undefined) {
    where.push('request_ts < ?');
    params.push(q.until);
  }
  // Sums per arm × version, then summed per arm over the versions it may count.
  const rows = await db.all(
    `SELECT served_entity, model_version, COUNT(*) AS n, SUM(score) AS s, SUM(score * score) AS ss
     FROM monitoring_judging_ledger WHERE ${where.join(' AND ')} GROUP BY served_entity, model_version`,
    params,
  );
  const sums = new Map<string, { n: number; s: number; ss: number }>();
  for (const r of rows) {
    if (r.served_entity === null) continue;
    const arm = String(r.served_entity);
    const version = q.versions?.get(arm);
    if (version !== undefined && (r.model_version === null || Number(r.model_version) !== version)) continue;
    const t = sums.get(arm) ?? { n: 0, s: 0, ss: 0 };
    sums.set(arm, { n: t.n + Number(r.n), s: t.s + Number(r.s), ss: t.ss + Number(r.ss) });
  }
  return new Map([...sums].map(([arm, t]) => [arm, momentsFromSums(t.n, t.s, t.ss)]));
}
