import type { GatePolicy, MetricBound } from '@ragops/core';
import type { EvalRun, EvalRunRow, Interval, RunJudge } from '../runs/eval-run-schemas.ts';
import { type ExternalEvidence, externalCriteriaRows } from './external-criteria.ts';
import type { GateCriterion } from './gate-decision.ts';
import { regressionErrorRates, regressionVerdict, sampleSd } from './regression-rule.ts';

/** A completed run with its rows: the evidence on one dataset for one version. */
export type RunEvidence = { run: EvalRun; rows: EvalRunRow[] };

/** Reviewer evidence on the candidate (`feedbackStats(source: 'reviewer')`), or why there is none. */
export type HumanEvidence =
  | { available: true; count: number; approval: Interval | undefined }
  | { available: false; reason: string };

/** Whether a judge's scores count (`judgeCalibration`); undefined when calibration is unknown. */
export type JudgeCalibrationLookup = (judge: RunJudge) => { calibrated: boolean; reason: string } | undefined;

export type GateEvidence = {
  policy: GatePolicy;
  /** Each required dataset's current content hash. */
  datasets: ReadonlyArray<{ name: string; contentHash: string }>;
  candidate: { version: number; runs: ReadonlyMap<string, RunEvidence> };
  holder: { version: number; runs: ReadonlyMap<string, RunEvidence> } | null;
  human: HumanEvidence;
  calibration: JudgeCalibrationLookup;
  /** The app's criteria for what evals does not read (the policy's split test); absent: unavailable. */
  external?: ExternalEvidence;
};

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(4).replace(/0+$/, ''));
const threshold = (b: MetricBound) => (b.min !== undefined ? `≥ ${fmt(b.min)}` : `≤ ${fmt(b.max!)}`);

/** A run-level metric (error rate, p95 latency, cost per request) or a judge's mean, with its interval. */
function metricOf(run: EvalRun, metric: string): { value: number | null; interval: Interval | null; judge?: RunJudge } {
  const a = run.aggregates;
  if (!a) return { value: null, interval: null };
  if (metric === 'error_rate')
    return { value: a.rows.total === 0 ? null : a.rows.failed / a.rows.total, interval: null };
  if (metric === 'p95_latency_ms') return { value: a.latencyMs.p95, interval: null };
  if (metric === 'cost_per_request_usd') {
    return { value: a.costUsd === null || a.rows.total === 0 ? null : a.costUsd / a.rows.total, interval: null };
  }
  const judge = run.judges.find((j) => j.name === metric);
  const m = a.metrics.find((x) => x.judge === metric);
  return { value: m?.overall?.mean ?? null, interval: m?.overall ?? null, ...(judge && { judge }) };
}

/** An LLM judge counts only when calibrated; heuristics and retrieval metrics are algorithms and always count. */
function uncounted(judge: RunJudge | undefined, lookup: JudgeCalibrationLookup): string | undefined {
  if (judge?.kind !== 'llm') return undefined;
  const c = lookup(judge);
  if (!c)
    return `judge ${judge.name} (${judge.model ?? 'no model'}, prompt ${judge.version.slice(0, 12)}) has no calibration against reviewer labels`;
  return c.calibrated ? undefined : `judge ${judge.name} is not calibrated: ${c.reason}`;
}

function pairedScores(holder: EvalRunRow[], candidate: EvalRunRow[], metric: string) {
  const byId = new Map(holder.map((r) => [r.rowId, r]));
  const h: number[] = [];
  const c: number[] = [];
  for (const row of candidate) {
    const sc = row.scores[metric]?.score;
    const sh = byId.get(row.rowId)?.scores[metric]?.score;
    if (typeof sc === 'number' && typeof sh === 'number') {
      c.push(sc);
      h.push(sh);
    }
  }
  return { h, c };
}

/**
 * The decision table of one promotion: every criterion of the policy on the evidence, with its value,
 * interval, threshold and verdict. The promotion passes only when every verdict is `pass`: missing
 * evidence (`unavailable`) and uncalibrated judges (`not_counted`) block, and say why.
 */
export function evaluateGate(e: GateEvidence): GateCriterion[] {
  const out: GateCriterion[] = [];
  const nr = e.policy.noRegression;
  for (const ds of e.datasets) {
    const ev = e.candidate.runs.get(ds.name);
    const at = `${ds.name}@${ds.contentHash.slice(0, 12)}`;
    out.push({
      criterion: 'evidence',
      dataset: ds.name,
      value: ev ? ev.run.rowsDone : null,
      interval: null,
      threshold: `completed run of v${e.candidate.version} on ${at}`,
      verdict: ev ? 'pass' : 'unavailable',
      note: ev ? `run ${ev.run.id}` : `no completed run on the current content; run with --run-missing`,
    });
    if (!ev) continue;
    for (const [metric, bound] of Object.entries(e.policy.floors)) {
      const m = metricOf(ev.run, metric);
      const skip = uncounted(m.judge, e.calibration);
      const ok = m.value !== null && (bound.min !== undefined ? m.value >= bound.min : m.value <= bound.max!);
      out.push({
        criterion: metric,
        dataset: ds.name,
        value: m.value,
        interval: m.interval,
        threshold: threshold(bound),
        verdict: m.value === null ? 'unavailable' : skip ? 'not_counted' : ok ? 'pass' : 'fail',
        note: m.value === null ? `run ${ev.run.id} has no ${metric}` : (skip ?? ''),
      });
    }
    if (!nr) continue;
    if (!e.holder) {
      out.push({
        criterion: 'no regression',
        dataset: ds.name,
        value: null,
        interval: null,
        threshold: 'vs the current holder',
        verdict: 'pass',
        note: 'the alias has no holder yet',
      });
      continue;
    }
    const hv = e.holder.runs.get(ds.name);
    for (const metric of nr.metrics) {
      const label = `Δ ${metric} vs v${e.holder.version}`;
      const base = {
        criterion: label,
        dataset: ds.name,
        threshold: `interval < 0 and mean < −${fmt(nr.margin)} blocks`,
      };
      if (!hv) {
        out.push({
          ...base,
          value: null,
          interval: null,
          verdict: 'unavailable',
          note: `holder v${e.holder.version} has no completed run on ${at}`,
        });
        continue;
      }
      const { h, c } = pairedScores(hv.rows, ev.rows, metric);
      if (c.length === 0) {
        out.push({
          ...base,
          value: null,
          interval: null,
          verdict: 'unavailable',
          note: `no rows scored by ${metric} on both sides`,
        });
        continue;
      }
      const v = regressionVerdict(h, c, { margin: nr.margin, confidence: nr.confidence });
      const rates = regressionErrorRates({
        n: c.length,
        sd: sampleSd(c.map((x, i) => x - h[i]!)),
        drop: 0.05,
        confidence: nr.confidence,
      });
      const skip = uncounted(metricOf(ev.run, metric).judge, e.calibration);
      out.push({
        ...base,
        value: v.diff.mean,
        interval: v.diff,
        verdict: skip ? 'not_counted' : v.blocked ? 'fail' : 'pass',
        note:
          skip ??
          `n=${c.length}; false block ≤ ${(100 * rates.falseBlock).toFixed(1)}%, power to block a 5-point drop ≈ ${(100 * rates.power).toFixed(0)}%`,
      });
    }
  }
  const human = e.policy.human;
  if (human) {
    if (!e.human.available) {
      out.push({
        criterion: 'reviewer labels',
        dataset: null,
        value: null,
        interval: null,
        threshold: `≥ ${human.minLabels}`,
        verdict: 'unavailable',
        note: e.human.reason,
      });
    } else {
      const { count, approval } = e.human;
      out.push({
        criterion: 'reviewer labels',
        dataset: null,
        value: count,
        interval: null,
        threshold: `≥ ${human.minLabels}`,
        verdict: count >= human.minLabels ? 'pass' : 'fail',
        note: '',
      });
      out.push({
        criterion: 'reviewer approval',
        dataset: null,
        value: approval?.mean ?? null,
        interval: approval ?? null,
        threshold: `≥ ${fmt(human.minApproval)}`,
        verdict: approval === undefined ? 'unavailable' : approval.mean >= human.minApproval ? 'pass' : 'fail',
        note: approval === undefined ? 'no rated reviewer feedback on the candidate' : '',
      });
    }
  }
  out.push(...externalCriteriaRows(e.policy, e.external));
  return out;
}
