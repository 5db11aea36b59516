import { randomBytes } from 'node:crypto';
import { parseInput, type SqlExecutor, type SqlRow, type SqlValue } from '@ragops/core';
import { z } from 'zod';
import { CRITERION_NAMES, type CriterionName } from './feedback-criteria.ts';
import {
  approvalOf,
  type Feedback,
  type FeedbackRevision,
  type FeedbackSource,
  type FeedbackTarget,
  type ParsedFeedbackInput,
  type Rating,
  targetKey,
} from './feedback-schemas.ts';

// SQL over the evals module's feedback tables only.

/** What the item a feedback is about belongs to (copied onto the feedback row). */
export type ItemOwner = { modelName: string; modelVersion: number; endpoint: string | null; arm: string | null };

const str = (v: SqlValue | undefined) => (v === null || v === undefined ? null : String(v));
const labelsSchema = z.partialRecord(z.enum(CRITERION_NAMES as [CriterionName, ...CriterionName[]]), z.number());
const ratingFromSql = (scale: SqlValue | undefined, value: SqlValue | undefined): Rating | null =>
  scale === null || scale === undefined ? null : ({ scale: String(scale), value: Number(value) } as Rating);
const bool = (v: SqlValue | undefined) => (v === null || v === undefined ? null : Number(v) === 1);

function targetFromSql(row: SqlRow): FeedbackTarget {
  return String(row.target_kind) === 'inference'
    ? { kind: 'inference', requestId: String(row.request_id) }
    : { kind: 'eval_row', runId: String(row.run_id), rowId: String(row.row_id) };
}

function feedbackFromSql(row: SqlRow): Feedback {
  return {
    id: String(row.id),
    source: String(row.source) as FeedbackSource,
    target: targetFromSql(row),
    author: String(row.author),
    modelName: String(row.model_name),
    modelVersion: Number(row.model_version),
    endpoint: str(row.endpoint),
    arm: str(row.arm),
    rating: ratingFromSql(row.rating_scale, row.rating_value),
    approved: bool(row.approved),
    labels: parseInput(labelsSchema, JSON.parse(String(row.labels)), `feedback ${String(row.id)} labels`),
    comment: str(row.comment),
    correctedAnswer: str(row.corrected_answer),
    revision: Number(row.revision),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

/**
 * Writes the author's feedback on an item: inserts it, or replaces the current one (revision + 1)
 * in one atomic upsert, then appends the revision. Call inside a transaction.
 */
export async function upsertFeedback(
  tx: SqlExecutor,
  input: { source: FeedbackSource; author: string; feedback: ParsedFeedbackInput; owner: ItemOwner },
): Promise<Feedback> {
  const { feedback: f, owner } = input;
  const t = f.target;
  const now = new Date().toISOString();
  const approved = approvalOf(f.rating);
  const content: SqlValue[] = [
    f.rating?.scale ?? null,
    f.rating?.value ?? null,
    approved === undefined ? null : approved ? 1 : 0,
    JSON.stringify(f.labels ?? {}),
    f.comment ?? null,
    f.correctedAnswer ?? null,
  ];
  await tx.run(
    `INSERT INTO feedback (id, source, target_kind, target_key, request_id, run_id, row_id, author, model_name,
       model_version, endpoint, arm, rating_scale, rating_value, approved, labels, comment, corrected_answer,
       revision, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
     ON CONFLICT (source, target_key, author) DO UPDATE SET rating_scale = excluded.rating_scale,
       rating_value = excluded.rating_value, approved = excluded.approved, labels = excluded.labels,
       comment = excluded.comment, corrected_answer = excluded.corrected_answer,
       revision = feedback.revision + 1, updated_at = excluded.updated_at`,
    [
      `fb_${randomBytes(8).toString('hex')}`,
      input.source,
      t.kind,
      targetKey(t),
      t.kind === 'inference' ? t.requestId : null,
      t.kind === 'eval_row' ? t.runId : null,
      t.kind === 'eval_row' ? t.rowId : null,
      input.author,
      owner.modelName,
      owner.modelVersion,
      owner.endpoint,
      owner.arm,
      ...content,
      now,
      now,
    ],
  );
  const row = await tx.get('SELECT * FROM feedback WHERE source = ? AND target_key = ? AND author = ?', [
    input.source,
    targetKey(t),
    input.author,
  ]);
  if (!row) throw new Error('feedback row missing right after its upsert');
  const stored = feedbackFromSql(row);
  await tx.run(
    `INSERT INTO feedback_revisions (feedback_id, revision, rating_scale, rating_value, approved, labels, comment,
       corrected_answer, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [stored.id, stored.revision, ...content, now],
  );
  return stored;
}

export type FeedbackQuery = {
  source?: FeedbackSource;
  modelName?: string;
  modelVersion?: number;
  endpoint?: string;
  arm?: string;
  author?: string;
  targetKind?: FeedbackTarget['kind'];
  runId?: string;
  targetKeys?: readonly string[];
};

/** Where a page of selectFeedback starts: an offset, or (stable while rows are added) after a row. */
export type FeedbackPage =
  | { limit: number; offset: number }
  | { limit: number; after?: Pick<Feedback, 'updatedAt' | 'id'> };

/** Feedback by filter, newest first (updated_at, then id; `after` one row: those older than it). */
export async function selectFeedback(db: SqlExecutor, q: FeedbackQuery, page: FeedbackPage): Promise<Feedback[]> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  const add = (sql: string, value: SqlValue | undefined) => {
    if (value === undefined) return;
    where.push(sql);
    params.push(value);
  };
  add('source = ?', q.source);
  add('model_name = ?', q.modelName);
  add('model_version = ?', q.modelVersion);
  add('endpoint = ?', q.endpoint);
  add('arm = ?', q.arm);
  add('author = ?', q.author);
  add('target_kind = ?', q.targetKind);
  add('run_id = ?', q.runId);
  if (q.targetKeys) {
    if (q.targetKeys.length === 0) return [];
    where.push(`target_key IN (${q.targetKeys.map(() => '?').join(', ')})`);
    params.push(...q.targetKeys);
  }
  if ('after' in page && page.after) {
    // A row-value range: both backends walk the feedback_updated index from the cursor.
    where.push('(updated_at, id) < (?, ?)');
    params.push(page.after.updatedAt, page.after.id);
  }
  const offset = 'offset' in page ? ` OFFSET ${Math.trunc(page.offset)}` : '';
  const rows = await db.all(
    `SELECT * FROM feedback ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY updated_at DESC, id DESC LIMIT ${Math.trunc(page.limit)}${offset}`,
    params,
  );
  return rows.map(feedbackFromSql);
}

/** A reviewer's labels on an eval row, as judge calibration reads them. */
export type EvalRowLabels = {
  targetKey: string;
  author: string;
  runId: string;
  rowId: string;
  labels: Partial<Record<CriterionName, number>>;
};

/**
 * Reviewer feedback on eval rows in item order (target key, then author; `after` one row: those
 * past it), so one item's reviewers arrive together and a keyset cursor pages through all of them
 * on the (source, target_key, author) unique index.
 */
export async function selectEvalRowLabels(
  db: SqlExecutor,
  page: { limit: number; after?: Pick<EvalRowLabels, 'targetKey' | 'author'> },
): Promise<EvalRowLabels[]> {
  const params: SqlValue[] = [];
  let after = '';
  if (page.after) {
    after = 'AND (target_key, author) > (?, ?)';
    params.push(page.after.targetKey, page.after.author);
  }
  const rows = await db.all(
    `SELECT target_key, author, run_id, row_id, labels FROM feedback
     WHERE source = 'reviewer' AND target_kind = 'eval_row' ${after}
     ORDER BY target_key, author LIMIT ${Math.trunc(page.limit)}`,
    params,
  );
  return rows.map((row) => ({
    targetKey: String(row.target_key),
    author: String(row.author),
    runId: String(row.run_id),
    rowId: String(row.row_id),
    labels: parseInput(labelsSchema, JSON.parse(String(row.labels)), `feedback on ${String(row.target_key)} labels`),
  }));
}

/** Every revision of one feedback, oldest first. */
export async function selectRevisions(db: SqlExecutor, feedbackId: string): Promise<FeedbackRevision[]> {
  const rows = await db.all('SELECT * FROM feedback_revisions WHERE feedback_id = ? ORDER BY revision', [feedbackId]);
  return rows.map((row) => ({
    revision: Number(row.revision),
    rating: ratingFromSql(row.rating_scale, row.rating_value),
    approved: bool(row.approved),
    labels: parseInput(labelsSchema, JSON.parse(String(row.labels)), `feedback ${feedbackId} revision labels`),
    comment: str(row.comment),
    correctedAnswer: str(row.corrected_answer),
    createdAt: String(row.created_at),
  }));
}

/**
 * For each of `targetKeys`, how many distinct reviewers labelled it, and whether `reviewer` is one
 * of them (queried in slices of 500 keys: bounded IN lists on both backends).
 */
export async function reviewCounts(
  db: SqlExecutor,
  reviewer: string,
  targetKeys: readonly string[],
): Promise<{ byKey: Map<string, number>; mine: Set<string> }> {
  const byKey = new Map<string, number>();
  const mine = new Set<string>();
  const keys = [...new Set(targetKeys)];
  for (let i = 0; i < keys.length; i += 500) {
    const slice = keys.slice(i, i + 500);
    const rows = await db.all<{ target_key: string; author: string }>(
      `SELECT target_key, author FROM feedback
       WHERE source = 'reviewer' AND target_key IN (${slice.map(() => '?').join(', ')})`,
      slice,
    );
    for (const r of rows) {
      const key = String(r.target_key);
      byKey.set(key, (byKey.get(key) ?? 0) + 1);
      if (String(r.author) === reviewer) mine.add(key);
    }
  }
  return { byKey, mine };
}
