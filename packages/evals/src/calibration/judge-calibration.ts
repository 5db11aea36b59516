import { NotFoundError, parseInput } from '@ragops/core';
import { z } from 'zod';
import { type CriterionName, criterionOfJudge, FEEDBACK_CRITERIA, snapToLevel } from '../feedback/feedback-criteria.ts';
import type { FeedbackContext } from '../feedback/feedback-service.ts';
import { selectFeedback } from '../feedback/feedback-store.ts';
import type { EvalRun } from '../runs/eval-run-schemas.ts';
import { getEvalRun } from '../runs/eval-run-service.ts';
import { seededRandom } from '../stats/seeded-random.ts';
import { findRunRow } from '../store/eval-run-store.ts';
import { cohenKappa, quadraticWeightedKappa, spearmanRho } from './agreement.ts';
import { storeCalibrations } from './calibration-store.ts';

/** Agreement of one judge (prompt hash or algorithm version × judge model) with reviewers on one criterion. */
export type JudgeCalibration = {
  judge: string;
  judgeVersion: string;
  judgeModel: string | null;
  criterion: CriterionName;
  /** Cohen's κ for categorical criteria, quadratic-weighted κ for ordinal ones. */
  statistic: 'kappa' | 'weighted_kappa';
  /** Items labelled by people and scored by the judge. */
  n: number;
  /** Null when undefined (no variation in either rater). */
  value: number | null;
  /** 95% percentile bootstrap over items (seeded); null when too few items or undefined. */
  interval: { low: number; high: number } | null;
  /**
   * Ordinal criteria: Spearman's ρ of the same pairs, with its bootstrap interval (same resamples),
   * shown next to weighted κ; it does not decide `calibrated`. Null for categorical criteria.
   */
  spearman: { value: number | null; interval: { low: number; high: number } | null } | null;
  calibrated: boolean;
  reason: string;
  computedAt: string;
};

const optionsSchema = z.strictObject({
  judge: z.string().min(1).max(100).optional(),
  criterion: z.string().min(1).max(100).optional(),
  /** Fewer labelled items than this: uncalibrated. Default 30. */
  minItems: z.number().int().min(2).max(100_000).default(30),
  /** κ (or weighted κ) below this: uncalibrated. Default 0.6 ("substantial", Landis & Koch 1977). */
  minAgreement: z.number().min(-1).max(1).default(0.6),
  resamples: z.number().int().min(100).max(20_000).default(1_000),
  seed: z.number().int().min(0).default(1),
});
export type JudgeCalibrationOptions = z.input<typeof optionsSchema>;

// Reviewer labels are human-paced: far below this; the bound keeps memory safe on a hostile store.
const MAX_LABELLED = 100_000;

function quantile(sorted: number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function bootstrapInterval(
  pairs: readonly [number, number][],
  statistic: (a: number[], b: number[]) => number,
  o: { resamples: number; seed: number },
): { low: number; high: number } | null {
  const random = seededRandom(o.seed);
  const values: number[] = [];
  for (let r = 0; r < o.resamples; r++) {
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < pairs.length; i++) {
      const p = pairs[Math.floor(random() * pairs.length)]!;
      a.push(p[0]);
      b.push(p[1]);
    }
    const k = statistic(a, b);
    if (Number.isFinite(k)) values.push(k);
  }
  // Most resamples without variation: the interval would describe a few lucky draws.
  if (values.length < o.resamples / 2) return null;
  values.sort((x, y) => x - y);
  return { low: quantile(values, 0.025), high: quantile(values, 0.975) };
}

/** Spearman's ρ with its interval, for ordinal criteria (weighted κ); null for categorical ones. */
function spearmanOf(
  statistic: JudgeCalibration['statistic'],
  pairs: readonly [number, number][],
  o: { resamples: number; seed: number },
): JudgeCalibration['spearman'] {
  if (statistic !== 'weighted_kappa') return null;
  const rho = spearmanRho(
    pairs.map((p) => p[0]),
    pairs.map((p) => p[1]),
  );
  const value = Number.isFinite(rho) ? rho : null;
  return { value, interval: value === null || pairs.length < 2 ? null : bootstrapInterval(pairs, spearmanRho, o) };
}

/**
 * Agreement between reviewers' labels and judge verdicts on eval rows both scored: per judge
 * (name, prompt hash / algorithm version, judge model) × criterion. Several reviewers on one item:
 * their mean label, snapped to the criterion's nearest level; the judge's score is snapped the same
 * way. Uses items on models the actor may READ; an admin's result is stored (`judge_calibrations`,
 * what the gate reads with `readJudgeCalibrations`), replacing the previous one of each judge.
 * @example const rows = await judgeCalibration(ctx, { judge: 'groundedness' })
 */
export async function judgeCalibration(
  ctx: FeedbackContext,
  options: JudgeCalibrationOptions = {},
): Promise<JudgeCalibration[]> {
  const o = parseInput(optionsSchema, options, 'calibration options');
  const labelled = await selectFeedback(
    ctx.store,
    { source: 'reviewer', targetKind: 'eval_row' },
    { limit: MAX_LABELLED, offset: 0 },
  );
  // Item → criterion → the reviewers' labels.
  const items = new Map<string, { runId: string; rowId: string; labels: Map<CriterionName, number[]> }>();
  for (const fb of labelled) {
    if (fb.target.kind !== 'eval_row') continue;
    const key = `${fb.target.runId}\u0000${fb.target.rowId}`;
    const item = items.get(key) ?? { runId: fb.target.runId, rowId: fb.target.rowId, labels: new Map() };
    items.set(key, item);
    for (const [c, v] of Object.entries(fb.labels) as [CriterionName, number][]) {
      item.labels.set(c, [...(item.labels.get(c) ?? []), v]);
    }
  }
  const runs = new Map<string, EvalRun | null>();
  const groups = new Map<
    string,
    {
      meta: Omit<JudgeCalibration, 'n' | 'value' | 'interval' | 'spearman' | 'calibrated' | 'reason' | 'computedAt'>;
      pairs: [number, number][];
    }
  >();
  for (const item of items.values()) {
    if (!runs.has(item.runId)) {
      try {
        runs.set(item.runId, await getEvalRun({ store: ctx.store, actor: ctx.actor, id: item.runId }));
      } catch (error) {
        if (!NotFoundError.isInstance(error)) throw error;
        runs.set(item.runId, null); // not readable by the actor: its items do not count
      }
    }
    const run = runs.get(item.runId);
    const row = run && (await findRunRow(ctx.store, run.id, item.rowId));
    if (!run || !row) continue;
    for (const judge of run.judges) {
      const criterion = criterionOfJudge(judge.name);
      const human = criterion && item.labels.get(criterion);
      const score = row.scores[judge.name]?.score;
      if (!criterion || !human || score === null || score === undefined) continue;
      if ((o.judge && judge.name !== o.judge) || (o.criterion && criterion !== o.criterion)) continue;
      const key = JSON.stringify([judge.name, judge.version, judge.model ?? '', criterion]);
      const group = groups.get(key) ?? {
        meta: {
          judge: judge.name,
          judgeVersion: judge.version,
          judgeModel: judge.model ?? null,
          criterion,
          statistic:
            FEEDBACK_CRITERIA[criterion].kind === 'categorical' ? ('kappa' as const) : ('weighted_kappa' as const),
        },
        pairs: [],
      };
      groups.set(key, group);
      const mean = human.reduce((s, v) => s + v, 0) / human.length;
      group.pairs.push([snapToLevel(criterion, mean), snapToLevel(criterion, score)]);
    }
  }
  const computedAt = new Date().toISOString();
  const results = [...groups.values()].map(({ meta, pairs }): JudgeCalibration => {
    const statistic = meta.statistic === 'kappa' ? cohenKappa : quadraticWeightedKappa;
    const k = statistic(
      pairs.map((p) => p[0]),
      pairs.map((p) => p[1]),
    );
    const value = Number.isFinite(k) ? k : null;
    const interval = value === null || pairs.length < 2 ? null : bootstrapInterval(pairs, statistic, o);
    const name = meta.statistic === 'kappa' ? 'κ' : 'weighted κ';
    let reason: string;
    if (pairs.length < o.minItems) reason = `only ${pairs.length} labelled items (need ≥ ${o.minItems})`;
    else if (value === null) reason = `${name} undefined: neither reviewers nor judge vary on these items`;
    else if (value < o.minAgreement) reason = `${name} = ${value.toFixed(2)} is below ${o.minAgreement}`;
    else reason = `${name} = ${value.toFixed(2)} ≥ ${o.minAgreement} on ${pairs.length} items`;
    const calibrated = pairs.length >= o.minItems && value !== null && value >= o.minAgreement;
    return {
      ...meta,
      n: pairs.length,
      value,
      interval,
      spearman: spearmanOf(meta.statistic, pairs, o),
      calibrated,
      reason,
      computedAt,
    };
  });
  results.sort((a, b) => a.judge.localeCompare(b.judge) || a.criterion.localeCompare(b.criterion));
  if (ctx.actor.isAdmin && results.length > 0) {
    await ctx.store.transaction((tx) => storeCalibrations(tx, results));
  }
  return results;
}
