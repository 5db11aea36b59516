import { parseInput, type SqlExecutor, type SqlRow, type SqlValue } from '@ragops/core';
import { z } from 'zod';
import {
  type EvalRun,
  type EvalRunRow,
  type EvalRunStatus,
  retrievedSchema,
  rowScoreSchema,
  runAggregatesSchema,
  runJudgeSchema,
} from '../runs/eval-run-schemas.ts';

// SQL over the evals module's own tables; no other module's tables are touched here (lineage and
// authorization go through core's services).

const num = (v: SqlValue | undefined) => (v === null || v === undefined ? null : Number(v));
const str = (v: SqlValue | undefined) => (v === null || v === undefined ? null : String(v));
const json = <S extends z.ZodType>(schema: S, v: SqlValue | undefined, where: string): z.output<S> =>
  parseInput(schema, JSON.parse(String(v)), where);

const rowIdsSchema = z.array(z.string());
const judgesSchema = z.array(runJudgeSchema);
const scoresSchema = z.record(z.string(), rowScoreSchema);
const tagsSchema = z.array(z.string());

export type NewEvalRun = Omit<EvalRun, 'rowsDone' | 'aggregates' | 'error' | 'updatedAt' | 'finishedAt'>;

export async function insertRun(tx: SqlExecutor, run: NewEvalRun): Promise<void> {
  await tx.run(
    `INSERT INTO eval_runs (id, model_uri, model_name, model_version, dataset_name, dataset_hash, row_ids, judges,
       repeats, status, rows_total, created_by, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      run.id,
      run.modelUri,
      run.modelName,
      run.modelVersion,
      run.dataset.name,
      run.dataset.contentHash,
      JSON.stringify(run.dataset.rowIds),
      JSON.stringify(run.judges),
      run.repeats,
      run.status,
      run.rowsTotal,
      run.createdBy,
      run.createdAt,
      run.createdAt,
    ],
  );
}

const RUN_COLUMNS = `r.*, (SELECT COUNT(*) FROM eval_run_rows w WHERE w.run_id = r.id) AS rows_done`;

function runFromSql(row: SqlRow): EvalRun {
  const where = `eval run ${String(row.id)}`;
  return {
    id: String(row.id),
    modelUri: String(row.model_uri),
    modelName: String(row.model_name),
    modelVersion: Number(row.model_version),
    versionUri: `models:/${String(row.model_name)}/${Number(row.model_version)}`,
    dataset: {
      name: String(row.dataset_name),
      contentHash: String(row.dataset_hash),
      rowIds: json(rowIdsSchema, row.row_ids, `${where} row_ids`),
    },
    judges: json(judgesSchema, row.judges, `${where} judges`),
    repeats: Number(row.repeats),
    status: String(row.status) as EvalRunStatus,
    rowsTotal: Number(row.rows_total),
    rowsDone: Number(row.rows_done),
    aggregates: row.aggregates === null ? null : json(runAggregatesSchema, row.aggregates, `${where} aggregates`),
    error: str(row.error),
    createdBy: String(row.created_by),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
    finishedAt: str(row.finished_at),
  };
}

export async function findRun(db: SqlExecutor, id: string): Promise<EvalRun | undefined> {
  const row = await db.get(`SELECT ${RUN_COLUMNS} FROM eval_runs r WHERE r.id = ?`, [id]);
  return row ? runFromSql(row) : undefined;
}

/** Runs newest first, optionally of one model (and version). */
export async function selectRuns(
  db: SqlExecutor,
  filter: { modelName?: string; modelVersion?: number; limit: number; offset: number },
): Promise<EvalRun[]> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (filter.modelName !== undefined) {
    where.push('r.model_name = ?');
    params.push(filter.modelName);
  }
  if (filter.modelVersion !== undefined) {
    where.push('r.model_version = ?');
    params.push(filter.modelVersion);
  }
  const rows = await db.all(
    `SELECT ${RUN_COLUMNS} FROM eval_runs r ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY r.created_at DESC, r.id DESC LIMIT ${Math.trunc(filter.limit)} OFFSET ${Math.trunc(filter.offset)}`,
    params,
  );
  return rows.map(runFromSql);
}

export async function updateRun(
  db: SqlExecutor,
  id: string,
  change: { status: EvalRunStatus; aggregates?: unknown; error?: string | null; finished?: boolean },
): Promise<void> {
  const now = new Date().toISOString();
  await db.run(
    `UPDATE eval_runs SET status = ?, updated_at = ?, aggregates = COALESCE(?, aggregates), error = ?,
       finished_at = ? WHERE id = ?`,
    [
      change.status,
      now,
      change.aggregates === undefined ? null : JSON.stringify(change.aggregates),
      change.error ?? null,
      change.finished ? now : null,
      id,
    ],
  );
}

/**
 * Commits one scored row. Returns false (and writes nothing) when the row is already stored: two
 * resumers of one run never score a row twice into the table.
 */
export async function insertRunRow(db: SqlExecutor, row: EvalRunRow): Promise<boolean> {
  const { changes } = await db.run(
    `INSERT INTO eval_run_rows (run_id, row_id, seq, status, tags, question, answer, retrieved, scores, error_code,
       error_message, latency_total_ms, latency_retrieval_ms, latency_generation_ms, judge_ms, tokens_in, tokens_out,
       judge_tokens_in, judge_tokens_out, cost_usd, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, row_id) DO NOTHING`,
    [
      row.runId,
      row.rowId,
      row.seq,
      row.status,
      JSON.stringify(row.tags),
      row.question,
      row.answer,
      JSON.stringify(row.retrieved),
      JSON.stringify(row.scores),
      row.error?.code ?? null,
      row.error?.message ?? null,
      row.latency.totalMs,
      row.latency.retrievalMs,
      row.latency.generationMs,
      row.latency.judgeMs,
      row.tokens.in,
      row.tokens.out,
      row.tokens.judgeIn,
      row.tokens.judgeOut,
      row.costUsd,
      row.createdAt,
    ],
  );
  return changes === 1;
}

function rowFromSql(row: SqlRow): EvalRunRow {
  const where = `eval run ${String(row.run_id)} row ${String(row.row_id)}`;
  const code = str(row.error_code);
  return {
    runId: String(row.run_id),
    rowId: String(row.row_id),
    seq: Number(row.seq),
    status: String(row.status) as EvalRunRow['status'],
    tags: json(tagsSchema, row.tags, `${where} tags`),
    question: String(row.question),
    answer: str(row.answer),
    retrieved: json(retrievedSchema, row.retrieved, `${where} retrieved`),
    scores: json(scoresSchema, row.scores, `${where} scores`),
    error: code === null ? null : { code, message: String(row.error_message ?? '') },
    latency: {
      totalMs: Number(row.latency_total_ms),
      retrievalMs: num(row.latency_retrieval_ms),
      generationMs: num(row.latency_generation_ms),
      judgeMs: Number(row.judge_ms),
    },
    tokens: {
      in: num(row.tokens_in),
      out: num(row.tokens_out),
      judgeIn: Number(row.judge_tokens_in),
      judgeOut: Number(row.judge_tokens_out),
    },
    costUsd: num(row.cost_usd),
    createdAt: String(row.created_at),
  };
}

/** A run's rows in dataset order. */
export async function selectRunRows(
  db: SqlExecutor,
  runId: string,
  page: { limit: number; offset: number },
): Promise<EvalRunRow[]> {
  const rows = await db.all(
    `SELECT * FROM eval_run_rows WHERE run_id = ? ORDER BY seq, row_id LIMIT ${Math.trunc(page.limit)} OFFSET ${Math.trunc(page.offset)}`,
    [runId],
  );
  return rows.map(rowFromSql);
}

/** One scored row of a run, if stored. */
export async function findRunRow(db: SqlExecutor, runId: string, rowId: string): Promise<EvalRunRow | undefined> {
  const row = await db.get('SELECT * FROM eval_run_rows WHERE run_id = ? AND row_id = ?', [runId, rowId]);
  return row ? rowFromSql(row) : undefined;
}

/**
 * The judges' scores of those of `rowIds` a run has stored, by row id (queried in slices of 500
 * ids: bounded IN lists on both backends; only the scores column is read).
 */
export async function selectRowScores(
  db: SqlExecutor,
  runId: string,
  rowIds: readonly string[],
): Promise<Map<string, EvalRunRow['scores']>> {
  const out = new Map<string, EvalRunRow['scores']>();
  for (let i = 0; i < rowIds.length; i += 500) {
    const slice = rowIds.slice(i, i + 500);
    const rows = await db.all(
      `SELECT row_id, scores FROM eval_run_rows WHERE run_id = ? AND row_id IN (${slice.map(() => '?').join(', ')})`,
      [runId, ...slice],
    );
    for (const r of rows) {
      const rowId = String(r.row_id);
      out.set(rowId, json(scoresSchema, r.scores, `eval run ${runId} row ${rowId} scores`));
    }
  }
  return out;
}

/** Ids of the rows a run has already committed (what a resume skips). */
export async function storedRowIds(db: SqlExecutor, runId: string): Promise<Set<string>> {
  const rows = await db.all<{ row_id: string }>('SELECT row_id FROM eval_run_rows WHERE run_id = ?', [runId]);
  return new Set(rows.map((r) => String(r.row_id)));
}
