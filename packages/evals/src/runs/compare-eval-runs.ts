import { type MeanInterval, pairedBootstrapDiff } from '../stats/bootstrap.ts';
import { AGGREGATE_BOOTSTRAP } from './aggregate-run.ts';
import type { EvalRun } from './eval-run-schemas.ts';
import { allRunRows, type EvalContext, getEvalRun } from './eval-run-service.ts';

/** One row whose score moved between the runs. */
export type ChangedRow = { rowId: string; question: string; a: number; b: number; diff: number };

/** B − A for one metric, over the rows both runs scored. */
export type MetricComparison = {
  judge: string;
  /** Mean paired difference B − A with its 95% paired bootstrap interval; null without shared rows. */
  diff: MeanInterval | null;
  /** The rows that changed most (largest |B − A| first). */
  mostChanged: ChangedRow[];
};

export type EvalRunComparison = {
  a: EvalRun;
  b: EvalRun;
  /** Rows both runs scored without error, by id. */
  pairedRows: number;
  /** Whether both runs used the same dataset content (same hash). */
  sameDataset: boolean;
  metrics: MetricComparison[];
};

/**
 * Compares two runs row by row: for each judge both ran, the paired per-row differences B − A with
 * the paired bootstrap interval, and the rows that changed most. Needs READ on both runs' models.
 */
export async function compareEvalRuns(
  ctx: Omit<EvalContext, 'requestId'> & { a: string; b: string; top?: number },
): Promise<EvalRunComparison> {
  const a = await getEvalRun({ ...ctx, id: ctx.a });
  const b = await getEvalRun({ ...ctx, id: ctx.b });
  const [rowsA, rowsB] = await Promise.all([allRunRows(ctx.store, a.id), allRunRows(ctx.store, b.id)]);
  const byIdB = new Map(rowsB.map((r) => [r.rowId, r]));
  const judges = a.judges.filter((j) => b.judges.some((k) => k.name === j.name)).map((j) => j.name);
  let pairedRows = 0;
  for (const row of rowsA) if (row.status === 'ok' && byIdB.get(row.rowId)?.status === 'ok') pairedRows++;
  const metrics = judges.map((judge): MetricComparison => {
    const pairs: ChangedRow[] = [];
    for (const ra of rowsA) {
      const sa = ra.scores[judge]?.score;
      const sb = byIdB.get(ra.rowId)?.scores[judge]?.score;
      if (typeof sa === 'number' && typeof sb === 'number') {
        pairs.push({ rowId: ra.rowId, question: ra.question, a: sa, b: sb, diff: sb - sa });
      }
    }
    const diff =
      pairs.length === 0
        ? null
        : pairedBootstrapDiff(
            pairs.map((p) => p.a),
            pairs.map((p) => p.b),
            AGGREGATE_BOOTSTRAP,
          );
    const mostChanged = pairs
      .filter((p) => p.diff !== 0)
      .sort((x, y) => Math.abs(y.diff) - Math.abs(x.diff) || x.rowId.localeCompare(y.rowId))
      .slice(0, ctx.top ?? 5);
    return { judge, diff, mostChanged };
  });
  return { a, b, pairedRows, sameDataset: a.dataset.contentHash === b.dataset.contentHash, metrics };
}
