import { authorize, parseInput, parseThreeLevelName, type SqlValue } from '@ragops/core';
import { z } from 'zod';
import { bootstrapMeanInterval, type MeanInterval } from '../stats/bootstrap.ts';
import { CRITERION_NAMES, type CriterionName } from './feedback-criteria.ts';
import { FEEDBACK_SOURCES, type FeedbackSource } from './feedback-schemas.ts';
import type { FeedbackContext } from './feedback-service.ts';
import { wilsonInterval } from './wilson-interval.ts';

const statsQuerySchema = z.strictObject({
  modelName: z.string().min(1).max(500),
  version: z.number().int().positive().optional(),
  endpoint: z.string().min(1).max(100).optional(),
  arm: z.string().min(1).max(100).optional(),
  source: z.enum(FEEDBACK_SOURCES),
});
export type FeedbackStatsQuery = z.input<typeof statsQuerySchema>;

/** Approval and labels of one slice: count, approval (Wilson 95%) over rated items, label means (bootstrap 95%). */
export type FeedbackAggregate = {
  count: number;
  approval: MeanInterval | undefined;
  perCriterion: Partial<Record<CriterionName, MeanInterval>>;
};

/** Per model version × endpoint × arm (eval-row feedback has no endpoint or arm: null). */
export type FeedbackGroup = FeedbackAggregate & { modelVersion: number; endpoint: string | null; arm: string | null };

export type FeedbackStats = FeedbackAggregate & { source: FeedbackSource; modelName: string; groups: FeedbackGroup[] };

// Labels are read back for the per-criterion means; reviewer feedback is human-paced, so this bound
// is far above real volumes and keeps a hostile store from exhausting memory.
const MAX_LABELLED_ROWS = 100_000;
const labelsSchema = z.partialRecord(z.enum(CRITERION_NAMES as [CriterionName, ...CriterionName[]]), z.number());

function aggregate(
  rows: { approved: number | null; labels: Partial<Record<CriterionName, number>> }[],
): FeedbackAggregate {
  const rated = rows.filter((r) => r.approved !== null);
  const perCriterion: Partial<Record<CriterionName, MeanInterval>> = {};
  for (const c of CRITERION_NAMES) {
    const values = rows.map((r) => r.labels[c]).filter((v): v is number => v !== undefined);
    if (values.length > 0) perCriterion[c] = bootstrapMeanInterval(values, { seed: 1 });
  }
  return {
    count: rows.length,
    approval: rated.length ? wilsonInterval(rated.filter((r) => r.approved === 1).length, rated.length) : undefined,
    perCriterion,
  };
}

/**
 * Feedback of ONE source on a model (optionally one version, endpoint, arm): end-user and reviewer
 * feedback are never pooled, ask for each. Approval counts only rated feedback (thumbs up, or 4–5
 * of five); `count` is all feedback. Needs READ on the model (NotFoundError / PermissionDeniedError).
 * @example const s = await feedbackStats(ctx, { modelName: 'prod.support.docs_qa', version: 3, source: 'reviewer' })
 */
export async function feedbackStats(
  ctx: Omit<FeedbackContext, 'requestId'>,
  query: FeedbackStatsQuery,
): Promise<FeedbackStats> {
  const q = parseInput(statsQuerySchema, query, 'feedback stats');
  const n = parseThreeLevelName(q.modelName);
  await authorize({
    store: ctx.store,
    actor: ctx.actor,
    privilege: 'READ',
    target: { catalog: n.catalog, schema: n.schema, model: n.name },
  });
  const where = ['source = ?', 'model_name = ?'];
  const params: SqlValue[] = [q.source, q.modelName];
  if (q.version !== undefined) {
    where.push('model_version = ?');
    params.push(q.version);
  }
  if (q.endpoint !== undefined) {
    where.push('endpoint = ?');
    params.push(q.endpoint);
  }
  if (q.arm !== undefined) {
    where.push('arm = ?');
    params.push(q.arm);
  }
  const rows = await ctx.store.all(
    `SELECT model_version, endpoint, arm, approved, labels FROM feedback WHERE ${where.join(' AND ')}
     ORDER BY model_version, endpoint, arm LIMIT ${MAX_LABELLED_ROWS}`,
    params,
  );
  const parsed = rows.map((r) => ({
    modelVersion: Number(r.model_version),
    endpoint: r.endpoint === null ? null : String(r.endpoint),
    arm: r.arm === null ? null : String(r.arm),
    approved: r.approved === null ? null : Number(r.approved),
    labels: parseInput(labelsSchema, JSON.parse(String(r.labels)), 'feedback labels'),
  }));
  const byGroup = new Map<string, typeof parsed>();
  for (const r of parsed) {
    const key = JSON.stringify([r.modelVersion, r.endpoint, r.arm]);
    const group = byGroup.get(key);
    if (group) group.push(r);
    else byGroup.set(key, [r]);
  }
  const groups = [...byGroup.values()].map((g) => ({
    modelVersion: g[0]!.modelVersion,
    endpoint: g[0]!.endpoint,
    arm: g[0]!.arm,
    ...aggregate(g),
  }));
  return { source: q.source, modelName: q.modelName, ...aggregate(parsed), groups };
}
