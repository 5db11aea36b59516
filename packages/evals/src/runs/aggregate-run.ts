import { aggregateByTag } from '../stats/aggregate-by-tag.ts';
import type { EvalRunRow, MetricAggregate, RunAggregates, RunJudge } from './eval-run-schemas.ts';

/** Bootstrap resamples and seed of every stored interval: a run's report is reproducible. */
export const AGGREGATE_BOOTSTRAP = { confidence: 0.95, resamples: 2_000, seed: 1 } as const;

function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * A run's aggregates from its rows: per judge the mean with a 95% bootstrap interval and n, overall
 * and per tag (rows where the judge erred or did not apply are counted, not scored); chain latency
 * percentiles, tokens and cost.
 */
export function aggregateRun(judges: readonly RunJudge[], rows: readonly EvalRunRow[]): RunAggregates {
  const metrics: MetricAggregate[] = judges.map((judge) => {
    const scored: { score: number; tags: string[] }[] = [];
    let errors = 0;
    let skipped = 0;
    let spreadSum = 0;
    let spreadRows = 0;
    for (const row of rows) {
      const s = row.scores[judge.name];
      if (!s || s.skipped) {
        skipped++;
        continue;
      }
      if (s.score === null) {
        errors++;
        continue;
      }
      scored.push({ score: s.score, tags: row.tags });
      const values = s.verdicts.flatMap((v) => (v.ok ? [v.score] : []));
      if (values.length > 1) {
        spreadSum += Math.max(...values) - Math.min(...values);
        spreadRows++;
      }
    }
    const agg = aggregateByTag(scored, AGGREGATE_BOOTSTRAP);
    return {
      judge: judge.name,
      kind: judge.kind,
      overall: agg?.all ?? null,
      byTag: agg?.byTag ?? {},
      errors,
      skipped,
      ...(spreadRows > 0 && { repeatSpread: spreadSum / spreadRows }),
    };
  });
  const ok = rows.filter((r) => r.status === 'ok');
  const latencies = ok.map((r) => r.latency.totalMs).sort((a, b) => a - b);
  const sum = (f: (r: EvalRunRow) => number | null) => rows.reduce((acc, r) => acc + (f(r) ?? 0), 0);
  const unpriced = ok.some((r) => r.costUsd === null);
  return {
    metrics,
    rows: { total: rows.length, ok: ok.length, failed: rows.length - ok.length },
    latencyMs: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95) },
    tokens: {
      chainIn: sum((r) => r.tokens.in),
      chainOut: sum((r) => r.tokens.out),
      judgeIn: sum((r) => r.tokens.judgeIn),
      judgeOut: sum((r) => r.tokens.judgeOut),
    },
    costUsd: unpriced ? null : sum((r) => r.costUsd),
  };
}
