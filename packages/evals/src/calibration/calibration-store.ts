import type { SqlExecutor, SqlValue } from '@ragops/core';
import type { JudgeCalibration } from './judge-calibration.ts';

// SQL over the evals module's judge_calibrations table.

const num = (v: SqlValue | undefined) => (v === null || v === undefined ? null : Number(v));

/** Replaces the stored calibration of each (judge, version, model, criterion) given. */
export async function storeCalibrations(tx: SqlExecutor, rows: readonly JudgeCalibration[]): Promise<void> {
  for (const c of rows) {
    await tx.run(
      `INSERT INTO judge_calibrations (judge_name, judge_version, judge_model, criterion, statistic, n, value, low, high,
         spearman, spearman_low, spearman_high, calibrated, reason, computed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (judge_name, judge_version, judge_model, criterion) DO UPDATE SET statistic = excluded.statistic,
         n = excluded.n, value = excluded.value, low = excluded.low, high = excluded.high,
         spearman = excluded.spearman, spearman_low = excluded.spearman_low, spearman_high = excluded.spearman_high,
         calibrated = excluded.calibrated, reason = excluded.reason, computed_at = excluded.computed_at`,
      [
        c.judge,
        c.judgeVersion,
        c.judgeModel ?? '',
        c.criterion,
        c.statistic,
        c.n,
        c.value,
        c.interval?.low ?? null,
        c.interval?.high ?? null,
        c.spearman?.value ?? null,
        c.spearman?.interval?.low ?? null,
        c.spearman?.interval?.high ?? null,
        c.calibrated ? 1 : 0,
        c.reason,
        c.computedAt,
      ],
    );
  }
}

/**
 * The stored calibrations (what the promotion gate reads), optionally of one judge (name) and/or
 * criterion; sorted by judge, criterion, newest first.
 */
export async function readJudgeCalibrations(
  db: SqlExecutor,
  filter: { judge?: string; criterion?: string } = {},
): Promise<JudgeCalibration[]> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (filter.judge !== undefined) {
    where.push('judge_name = ?');
    params.push(filter.judge);
  }
  if (filter.criterion !== undefined) {
    where.push('criterion = ?');
    params.push(filter.criterion);
  }
  const rows = await db.all(
    `SELECT * FROM judge_calibrations ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY judge_name, criterion, computed_at DESC`,
    params,
  );
  return rows.map((r) => {
    const low = num(r.low);
    const high = num(r.high);
    const rhoLow = num(r.spearman_low);
    const rhoHigh = num(r.spearman_high);
    const statistic = String(r.statistic) as JudgeCalibration['statistic'];
    return {
      judge: String(r.judge_name),
      judgeVersion: String(r.judge_version),
      judgeModel: String(r.judge_model) === '' ? null : String(r.judge_model),
      criterion: String(r.criterion) as JudgeCalibration['criterion'],
      statistic,
      n: Number(r.n),
      value: num(r.value),
      interval: low === null || high === null ? null : { low, high },
      spearman:
        statistic === 'weighted_kappa'
          ? {
              value: num(r.spearman),
              interval: rhoLow === null || rhoHigh === null ? null : { low: rhoLow, high: rhoHigh },
            }
          : null,
      calibrated: Number(r.calibrated) === 1,
      reason: String(r.reason),
      computedAt: String(r.computed_at),
    };
  });
}
