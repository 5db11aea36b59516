import type { SqlExecutor, SqlValue } from '@ragops/core';
import type { FeedbackSource } from './feedback-schemas.ts';

/** The current feedback of one author on one served request, as monitoring counts it. */
export type FeedbackSignal = {
  requestId: string;
  source: FeedbackSource;
  /** Thumbs up / 4–5 stars; null when the feedback carries no rating (labels or a comment only). */
  approved: boolean | null;
  updatedAt: string;
};

/**
 * Feedback on inference requests (not eval rows) for the metric tables: given at or after
 * `createdSince` (feedback on a request never predates it, so a window's feedback is found from the
 * window's start) or changed at or after `updatedSince` (late feedback marks an old window stale).
 * No authorization: the refresher aggregates every endpoint; readers of the metrics are checked.
 */
export async function inferenceFeedbackSignals(
  db: SqlExecutor,
  q: { createdSince?: string; updatedSince?: string },
): Promise<FeedbackSignal[]> {
  const where = ["target_kind = 'inference'", 'request_id IS NOT NULL'];
  const params: SqlValue[] = [];
  if (q.createdSince !== undefined) {
    where.push('created_at >= ?');
    params.push(q.createdSince);
  }
  if (q.updatedSince !== undefined) {
    where.push('updated_at >= ?');
    params.push(q.updatedSince);
  }
  const rows = await db.all(
    `SELECT request_id, source, approved, updated_at FROM feedback WHERE ${where.join(' AND ')}`,
    params,
  );
  return rows.map((r) => ({
    requestId: String(r.request_id),
    source: String(r.source) as FeedbackSource,
    approved: r.approved === null ? null : Number(r.approved) === 1,
    updatedAt: String(r.updated_at),
  }));
}
