import { createHash } from 'node:crypto';
import type { SqlExecutor, SqlRow, SqlValue } from '@ragops/core';
import { z } from 'zod';
import { DRIFT_COMPARISONS, DRIFT_METRICS, DRIFT_VERDICTS, type DriftResult } from './drift-config.ts';

const COLUMNS = [
  'id',
  'endpoint',
  'model_name',
  'model_version',
  'metric',
  'comparison',
  'current_start',
  'current_end',
  'reference_start',
  'reference_end',
  'n_current',
  'n_reference',
  'statistic',
  'threshold',
  'p_value',
  'verdict',
  'detail',
  'computed_at',
] as const;

// One row per endpoint × version × metric × comparison × current window: recomputing a window
// replaces its rows, so a refresh that runs twice leaves one result.
function idOf(r: DriftResult): string {
  const key = [r.endpoint, r.modelName, r.modelVersion, r.metric, r.comparison, r.current.start, r.current.end];
  return createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 32);
}

function toSql(r: DriftResult): SqlValue[] {
  return [
    idOf(r),
    r.endpoint,
    r.modelName,
    r.modelVersion,
    r.metric,
    r.comparison,
    r.current.start,
    r.current.end,
    r.reference.start,
    r.reference.end,
    r.n.current,
    r.n.reference,
    r.statistic,
    r.threshold,
    r.pValue,
    r.verdict,
    JSON.stringify(r.detail),
    r.computedAt,
  ];
}

/** Writes results, replacing earlier results of the same key, in the caller's transaction. */
export async function upsertDriftResults(tx: SqlExecutor, results: readonly DriftResult[]): Promise<void> {
  const updates = COLUMNS.filter((c) => c !== 'id')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');
  for (const r of results) {
    await tx.run(
      `INSERT INTO monitoring_drift (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})
       ON CONFLICT (id) DO UPDATE SET ${updates}`,
      toSql(r),
    );
  }
}

const num = (v: SqlValue | undefined) => (v === null || v === undefined ? null : Number(v));

// JSON columns are parsed back with zod (STYLE.md §5): a damaged row fails loudly.
function fromSql(row: SqlRow): DriftResult {
  return {
    endpoint: String(row.endpoint),
    modelName: String(row.model_name),
    modelVersion: Number(row.model_version),
    metric: z.enum(DRIFT_METRICS).parse(row.metric),
    comparison: z.enum(DRIFT_COMPARISONS).parse(row.comparison),
    current: { start: String(row.current_start), end: String(row.current_end) },
    reference: { start: String(row.reference_start), end: String(row.reference_end) },
    n: { current: Number(row.n_current), reference: Number(row.n_reference) },
    statistic: num(row.statistic),
    threshold: num(row.threshold),
    pValue: num(row.p_value),
    verdict: z.enum(DRIFT_VERDICTS).parse(row.verdict),
    detail: z.record(z.string(), z.unknown()).parse(JSON.parse(String(row.detail))),
    computedAt: String(row.computed_at),
  };
}

/**
 * Results of an endpoint, newest current window first (ending after `since`, before `endsBefore`),
 * in a total order (the id breaks ties), so `offset` pages neither skip nor repeat a result.
 */
export async function selectDriftResults(
  db: SqlExecutor,
  q: {
    endpoint: string;
    since?: string;
    endsBefore?: string;
    metric?: string;
    modelVersion?: number;
    limit: number;
    offset?: number;
  },
): Promise<DriftResult[]> {
  const where = ['endpoint = ?'];
  const params: SqlValue[] = [q.endpoint];
  if (q.since !== undefined) {
    where.push('current_end > ?');
    params.push(q.since);
  }
  if (q.endsBefore !== undefined) {
    where.push('current_end < ?');
    params.push(q.endsBefore);
  }
  if (q.metric !== undefined) {
    where.push('metric = ?');
    params.push(q.metric);
  }
  if (q.modelVersion !== undefined) {
    where.push('model_version = ?');
    params.push(q.modelVersion);
  }
  const rows = await db.all(
    `SELECT * FROM monitoring_drift WHERE ${where.join(' AND ')}
     ORDER BY current_end DESC, model_version DESC, metric, comparison, current_start DESC, model_name, id
     LIMIT ? OFFSET ?`,
    [...params, q.limit, q.offset ?? 0],
  );
  return rows.map(fromSql);
}
