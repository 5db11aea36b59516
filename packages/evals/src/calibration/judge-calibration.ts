import { NotFoundError, parseInput } from '@ragops/core';
import { z } from 'zod';
import { type CriterionName, criterionOfJudge, FEEDBACK_CRITERIA, snapToLevel } from '../feedback/feedback-criteria.ts';
import type { FeedbackContext } from '../feedback/feedback-service.ts';
import { type EvalRowLabels, selectEvalRowLabels } from '../feedback/feedback-store.ts';
import type { RunJudge } from '../runs/eval-run-schemas.ts';
import { getEvalRun } from '../runs/eval-run-service.ts';
import { resampleCounts } from '../stats/resample-counts.ts';
import { seededRandom } from '../stats/seeded-random.ts';
import { selectRowScores } from '../store/eval-run-store.ts';
import {
  type AgreementTable,
  addPair,
  agreementTable,
  cohenKappaOfTable,
  quadraticWeightedKappaOfTable,
  spearmanRhoOfTable,
} from './agreement.ts';
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
  /**
   * 95% percentile bootstrap over items (seeded; above 20,000 items each resample is drawn as a
   * multinomial of the counts, resample-counts.ts); null when too few items or undefined.
   */
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

// Reviewer feedback on eval rows is read a page at a time in item order, so one item's reviewers
// arrive together and every labelled item counts (no cap, no sample): what is held is one page, its
// items' scores, and per judge × criterion a table of at most 5 × 5 counts (agreement.ts). Measured
// on 100,030 items: 0.7 s on SQLite, 1.4 s on PostgreSQL (the capped read, a query per item: 59 s).
export const CALIBRATION_PAGE_ROWS = 1_000;

type Group = {
  meta: Omit<JudgeCalibration, 'n' | 'value' | 'interval' | 'spearman' | 'calibrated' | 'reason' | 'computedAt'>;
  table: AgreementTable;
};

/** An eval row and, per criterion, the sum and number of its reviewers' labels. */
type LabelledItem = {
  key: string;
  runId: string;
  rowId: string;
  labels: Map<CriterionName, { sum: number; n: number }>;
};

function quantile(sorted: number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * 95% percentile-bootstrap intervals of each statistic over items, all from the same resamples
 * (resampleCounts of the table: one by one up to 20,000 items, as a multinomial above); null for a
 * statistic undefined on most resamples.
 */
function bootstrapIntervals(
  table: AgreementTable,
  statistics: readonly ((t: AgreementTable) => number)[],
  o: { resamples: number; seed: number },
): ({ low: number; high: number } | null)[] {
  const random = seededRandom(o.seed);
  const resampled = { levels: table.levels, counts: new Float64Array(table.counts.length) };
  const values = statistics.map((): number[] => []);
  for (let r = 0; r < o.resamples; r++) {
    resampleCounts(table.counts, random, resampled.counts);
    statistics.forEach((statistic, i) => {
      const v = statistic(resampled);
      if (Number.isFinite(v)) values[i]!.push(v);
    });
  }
  return values.map((v) => {
    // Most resamples without variation: the interval would describe a few lucky draws.
    if (v.length < o.resamples / 2) return null;
    v.sort((x, y) => x - y);
    return { low: quantile(v, 0.025), high: quantile(v, 0.975) };
  });
}

/** κ or weighted κ, and for ordinal criteria Spearman's ρ, each with its interval (same resamples). */
function agreementOf(
  group: Group,
  o: { resamples: number; seed: number },
): Pick<JudgeCalibration, 'n' | 'value' | 'interval' | 'spearman'> {
  const { table } = group;
  const n = table.counts.reduce((s, c) => s + c, 0);
  const ordinal = group.meta.statistic === 'weighted_kappa';
  const statistics = ordinal ? [quadraticWeightedKappaOfTable, spearmanRhoOfTable] : [cohenKappaOfTable];
  const values = statistics.map((statistic) => {
    const v = statistic(table);
    return Number.isFinite(v) ? v : null;
  });
  const intervals = n < 2 ? [] : bootstrapIntervals(table, statistics, o);
  const withInterval = (i: number) => {
    const value = values[i] ?? null;
    return { value, interval: value === null ? null : (intervals[i] ?? null) };
  };
  const { value, interval } = withInterval(0);
  return { n, value, interval, spearman: ordinal ? withInterval(1) : null };
}

/**
 * Adds each item's pairs (the reviewers' mean label, the judge's score, both snapped to the
 * criterion's levels) to the tables of its run's judges. Items of runs the actor may not READ,
 * and rows the run never stored, do not count.
 */
async function addItems(
  ctx: FeedbackContext,
  o: z.output<typeof optionsSchema>,
  items: readonly LabelledItem[],
  state: { judgesOfRun: Map<string, readonly RunJudge[] | null>; groups: Map<string, Group> },
): Promise<void> {
  const byRun = new Map<string, LabelledItem[]>();
  for (const item of items) {
    const runItems = byRun.get(item.runId) ?? [];
    runItems.push(item);
    byRun.set(item.runId, runItems);
  }
  for (const [runId, runItems] of byRun) {
    if (!state.judgesOfRun.has(runId)) {
      try {
        // Only the judges are kept: a run also carries every dataset row id.
        state.judgesOfRun.set(runId, (await getEvalRun({ store: ctx.store, actor: ctx.actor, id: runId })).judges);
      } catch (error) {
        if (!NotFoundError.isInstance(error)) throw error;
        state.judgesOfRun.set(runId, null); // not readable by the actor: its items do not count
      }
    }
    const judges = state.judgesOfRun.get(runId);
    if (!judges) continue;
    const scores = await selectRowScores(
      ctx.store,
      runId,
      runItems.map((i) => i.rowId),
    );
    for (const item of runItems) {
      const row = scores.get(item.rowId);
      if (!row) continue;
      for (const judge of judges) {
        const criterion = criterionOfJudge(judge.name);
        const human = criterion && item.labels.get(criterion);
        const score = row[judge.name]?.score;
        if (!criterion || !human || score === null || score === undefined) continue;
        if ((o.judge && judge.name !== o.judge) || (o.criterion && criterion !== o.criterion)) continue;
        const key = JSON.stringify([judge.name, judge.version, judge.model ?? '', criterion]);
        const group = state.groups.get(key) ?? {
          meta: {
            judge: judge.name,
            judgeVersion: judge.version,
            judgeModel: judge.model ?? null,
            criterion,
            statistic:
              FEEDBACK_CRITERIA[criterion].kind === 'categorical' ? ('kappa' as const) : ('weighted_kappa' as const),
          },
          table: agreementTable(FEEDBACK_CRITERIA[criterion].levels),
        };
        state.groups.set(key, group);
        addPair(group.table, snapToLevel(criterion, human.sum / human.n), snapToLevel(criterion, score));
      }
    }
  }
}

/**
 * Agreement between reviewers' labels and judge verdicts on eval rows both scored: per judge
 * (name, prompt hash / algorithm version, judge model) × criterion. Several reviewers on one item:
 * their mean label, snapped to the criterion's nearest level; the judge's score is snapped the same
 * way. Every labelled item counts (no cap, no sample: `n` is all of them); items on models the
 * actor may not READ do not. An admin's result is stored (`judge_calibrations`,
 * what the gate reads with `readJudgeCalibrations`), replacing the previous one of each judge.
 * @example const rows = await judgeCalibration(ctx, { judge: 'groundedness' })
 */
export async function judgeCalibration(
  ctx: FeedbackContext,
  options: JudgeCalibrationOptions = {},
): Promise<JudgeCalibration[]> {
  const o = parseInput(optionsSchema, options, 'calibration options');
  const state = { judgesOfRun: new Map<string, readonly RunJudge[] | null>(), groups: new Map<string, Group>() };
  // Items whose reviewers are all read; the item being read may go on in the next page.
  let done: LabelledItem[] = [];
  let current: LabelledItem | undefined;
  let after: EvalRowLabels | undefined;
  for (;;) {
    const page = await selectEvalRowLabels(ctx.store, { limit: CALIBRATION_PAGE_ROWS, ...(after && { after }) });
    for (const fb of page) {
      if (current?.key !== fb.targetKey) {
        if (current) done.push(current);
        current = { key: fb.targetKey, runId: fb.runId, rowId: fb.rowId, labels: new Map() };
      }
      for (const [c, v] of Object.entries(fb.labels) as [CriterionName, number][]) {
        const label = current.labels.get(c) ?? { sum: 0, n: 0 };
        label.sum += v;
        label.n++;
        current.labels.set(c, label);
      }
    }
    if (page.length < CALIBRATION_PAGE_ROWS) break;
    after = page.at(-1);
    await addItems(ctx, o, done, state);
    done = [];
  }
  if (current) done.push(current);
  await addItems(ctx, o, done, state);
  const computedAt = new Date().toISOString();
  const results = [...state.groups.values()].map((group): JudgeCalibration => {
    const { n, value, interval, spearman } = agreementOf(group, o);
    const name = group.meta.statistic === 'kappa' ? 'κ' : 'weighted κ';
    let reason: string;
    if (n < o.minItems) reason = `only ${n} labelled items (need ≥ ${o.minItems})`;
    else if (value === null) reason = `${name} undefined: neither reviewers nor judge vary on these items`;
    else if (value < o.minAgreement) reason = `${name} = ${value.toFixed(2)} is below ${o.minAgreement}`;
    else reason = `${name} = ${value.toFixed(2)} ≥ ${o.minAgreement} on ${n} items`;
    const calibrated = n >= o.minItems && value !== null && value >= o.minAgreement;
    return { ...group.meta, n, value, interval, spearman, calibrated, reason, computedAt };
  });
  results.sort((a, b) => a.judge.localeCompare(b.judge) || a.criterion.localeCompare(b.criterion));
  if (ctx.actor.isAdmin && results.length > 0) {
    await ctx.store.transaction((tx) => storeCalibrations(tx, results));
  }
  return results;
}
