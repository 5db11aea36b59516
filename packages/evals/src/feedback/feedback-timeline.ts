import { authorize, parseInput, parseThreeLevelName, type SqlValue } from '@ragops/core';
import { z } from 'zod';
import type { MeanInterval } from '../stats/bootstrap.ts';
import { FEEDBACK_SOURCES, type FeedbackSource } from './feedback-schemas.ts';
import type { FeedbackContext } from './feedback-service.ts';
import { wilsonInterval } from './wilson-interval.ts';

const timelineQuerySchema = z.strictObject({
  modelName: z.string().min(1).max(500),
  version: z.number().int().positive().optional(),
  endpoint: z.string().min(1).max(100).optional(),
  /** Days back from `now` (UTC days, today included). */
  days: z.number().int().min(1).max(366).default(30),
});
export type FeedbackTimelineQuery = z.input<typeof timelineQuerySchema>;

/** One UTC day of one series: all feedback, the rated part, approval (Wilson 95%) over the rated. */
export type FeedbackDay = { day: string; count: number; rated: number; approval: MeanInterval | undefined };

/** Feedback of ONE source on one model version and endpoint (eval-row feedback: endpoint null), per day. */
export type FeedbackSeries = {
  source: FeedbackSource;
  modelVersion: number;
  endpoint: string | null;
  days: FeedbackDay[];
};

/**
 * Feedback over time on a model: per source (end users and reviewers never pooled) × model version ×
 * endpoint, per UTC day of the feedback's current revision (`updated_at`: a replaced rating counts
 * on the day it was last given), only days with feedback. Needs READ on the model.
 * @example const series = await feedbackTimeline(ctx, { modelName: 'prod.support.docs_qa', days: 14 })
 */
export async function feedbackTimeline(
  ctx: Omit<FeedbackContext, 'requestId'>,
  query: FeedbackTimelineQuery,
  now: Date = new Date(),
): Promise<FeedbackSeries[]> {
  const q = parseInput(timelineQuerySchema, query, 'feedback timeline');
  const n = parseThreeLevelName(q.modelName);
  await authorize({
    store: ctx.store,
    actor: ctx.actor,
    privilege: 'READ',
    target: { catalog: n.catalog, schema: n.schema, model: n.name },
  });
  const day = (offset: number) =>
    new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offset));
  // ISO strings of one format compare as times: [first day 00:00, the day after `now` 00:00).
  const where = ['model_name = ?', 'updated_at >= ?', 'updated_at < ?'];
  const params: SqlValue[] = [q.modelName, day(-(q.days - 1)).toISOString(), day(1).toISOString()];
  if (q.version !== undefined) {
    where.push('model_version = ?');
    params.push(q.version);
  }
  if (q.endpoint !== undefined) {
    where.push('endpoint = ?');
    params.push(q.endpoint);
  }
  // At most sources × versions × endpoints × 366 groups: aggregated in SQL, never the rows.
  const rows = await ctx.store.all(
    `SELECT source, model_version, endpoint, substr(updated_at, 1, 10) AS day, COUNT(*) AS n,
       SUM(CASE WHEN approved IS NULL THEN 0 ELSE 1 END) AS rated, SUM(CASE WHEN approved = 1 THEN 1 ELSE 0 END) AS up
     FROM feedback WHERE ${where.join(' AND ')}
     GROUP BY source, model_version, endpoint, substr(updated_at, 1, 10)
     ORDER BY source, model_version, endpoint, day`,
    params,
  );
  const series = new Map<string, FeedbackSeries>();
  for (const r of rows) {
    const source = String(r.source) as FeedbackSource;
    if (!FEEDBACK_SOURCES.includes(source)) continue;
    const endpoint = r.endpoint === null ? null : String(r.endpoint);
    const key = JSON.stringify([source, Number(r.model_version), endpoint]);
    let s = series.get(key);
    if (!s) {
      s = { source, modelVersion: Number(r.model_version), endpoint, days: [] };
      series.set(key, s);
    }
    const rated = Number(r.rated);
    s.days.push({
      day: String(r.day),
      count: Number(r.n),
      rated,
      approval: rated > 0 ? wilsonInterval(Number(r.up), rated) : undefined,
    });
  }
  return [...series.values()];
}
