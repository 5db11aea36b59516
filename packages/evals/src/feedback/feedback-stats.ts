import { authorize, parseInput, parseThreeLevelName, type SqlValue } from '@ragops/core';
import { z } from 'zod';
import { bootstrapMeanIntervalOfCounts, type MeanInterval } from '../stats/bootstrap.ts';
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

const labelsSchema = z.partialRecord(z.enum(CRITERION_NAMES as [CriterionName, ...CriterionName[]]), z.number());

/** One slice's feedback as counts: all of it is counted, in memory that does not grow with it. */
type Tally = {
  count: number;
  rated: number;
  approved: number;
  /** Per criterion, label value → how many carry it (a criterion has at most five levels). */
  labels: Map<CriterionName, Map<number, number>>;
};

const emptyTally = (): Tally => ({ count: 0, rated: 0, approved: 0, labels: new Map() });

function addLabels(tally: Tally, labels: Partial<Record<CriterionName, number>>, times: number): void {
  for (const [criterion, value] of Object.entries(labels) as [CriterionName, number][]) {
    const counts = tally.labels.get(criterion) ?? new Map<number, number>();
    counts.set(value, (counts.get(value) ?? 0) + times);
    tally.labels.set(criterion, counts);
  }
}

function aggregate(t: Tally): FeedbackAggregate {
  const perCriterion: Partial<Record<CriterionName, MeanInterval>> = {};
  for (const c of CRITERION_NAMES) {
    const counts = t.labels.get(c);
    if (counts) perCriterion[c] = bootstrapMeanIntervalOfCounts(counts, { seed: 1 });
  }
  return {
    count: t.count,
    approval: t.rated ? wilsonInterval(t.approved, t.rated) : undefined,
    perCriterion,
  };
}

/**
 * Feedback of ONE source on a model (optionally one version, endpoint, arm): end-user and reviewer
 * feedback are never pooled, ask for each. Approval counts only rated feedback (thumbs up, or 4–5
 * of five); `count` is all feedback. Every row counts (the database counts; no cap, no sample), and
 * each interval carries the n it rests on. Needs READ on the model (NotFoundError / PermissionDeniedError).
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
  // Counted by the database over every row, in one statement (no cap, no sample, one snapshot):
  // each distinct (group, approval, label set) with how many rows carry it. Label sets are few: at
  // most 1,728 combinations of the criteria's levels (73,759 counting the orders clients may send
  // the keys in), so what is held does not grow with the feedback.
  const rows = await ctx.store.all(
    `SELECT model_version, endpoint, arm, approved, labels, COUNT(*) AS n FROM feedback
     WHERE ${where.join(' AND ')} GROUP BY model_version, endpoint, arm, approved, labels
     ORDER BY model_version, endpoint, arm`,
    params,
  );
  const total = emptyTally();
  const byGroup = new Map<string, { modelVersion: number; endpoint: string | null; arm: string | null } & Tally>();
  for (const r of rows) {
    const slice = { modelVersion: Number(r.model_version), endpoint: str(r.endpoint), arm: str(r.arm) };
    const key = JSON.stringify([slice.modelVersion, slice.endpoint, slice.arm]);
    const group = byGroup.get(key) ?? { ...slice, ...emptyTally() };
    byGroup.set(key, group);
    const times = Number(r.n);
    const labels = parseInput(labelsSchema, JSON.parse(String(r.labels)), 'feedback labels');
    for (const t of [group, total]) {
      t.count += times;
      if (r.approved !== null) t.rated += times;
      if (r.approved !== null && Number(r.approved) === 1) t.approved += times;
      addLabels(t, labels, times);
    }
  }
  const groups = [...byGroup.values()].map(({ modelVersion, endpoint, arm, ...tally }) => ({
    modelVersion,
    endpoint,
    arm,
    ...aggregate(tally),
  }));
  return { source: q.source, modelName: q.modelName, ...aggregate(total), groups };
}

const str = (v: SqlValue | undefined) => (v === null || v === undefined ? null : String(v));
