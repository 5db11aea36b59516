import { gatePolicySchema } from '@ragops/core';
import { describe, expect, it } from 'vitest';
import type { EvalRun, EvalRunRow } from '../runs/eval-run-schemas.ts';
import { evaluateGate, type RunEvidence } from './evaluate-gate.ts';

const HASH = 'a'.repeat(64);

function evidence(version: number, scores: number[]): RunEvidence {
  const run = {
    id: `er_${version}`,
    modelName: 'dev.s.m',
    modelVersion: version,
    status: 'completed',
    rowsDone: scores.length,
    dataset: { name: 'qa', contentHash: HASH, rowIds: scores.map((_, i) => `r${i}`) },
    judges: [{ name: 'groundedness', kind: 'llm', version: 'p'.repeat(64), model: 'vllm/judge' }],
    aggregates: {
      metrics: [
        {
          judge: 'groundedness',
          kind: 'llm',
          overall: { mean: 0.9, low: 0.85, high: 0.95, n: 3 },
          byTag: {},
          errors: 0,
          skipped: 0,
        },
      ],
      rows: { total: scores.length, ok: scores.length, failed: 0 },
      latencyMs: { p50: 10, p95: 20 },
      tokens: { chainIn: 0, chainOut: 0, judgeIn: 0, judgeOut: 0 },
      costUsd: null,
    },
  } as unknown as EvalRun;
  const rows = scores.map(
    (score, i) => ({ rowId: `r${i}`, scores: { groundedness: { score, verdicts: [] } } }) as unknown as EvalRunRow,
  );
  return { run, rows };
}

const policy = gatePolicySchema.parse({
  datasets: ['qa'],
  floors: { groundedness: { min: 0.8 }, p95_latency_ms: { max: 100 } },
  noRegression: { metrics: ['groundedness'] },
});
const base = {
  policy,
  datasets: [{ name: 'qa', contentHash: HASH }],
  candidate: { version: 2, runs: new Map([['qa', evidence(2, [1, 1, 1])]]) },
  holder: { version: 1, runs: new Map([['qa', evidence(1, [1, 1, 1])]]) },
  human: { available: false as const, reason: 'not required' },
};

describe('evaluateGate', () => {
  it('does not count an LLM judge without calibration and says which judge and why', () => {
    const criteria = evaluateGate({ ...base, calibration: () => undefined });
    const g = criteria.filter((c) => c.criterion.includes('groundedness'));
    expect(g.map((c) => c.verdict)).toEqual(['not_counted', 'not_counted']);
    expect(g[0]!.note).toMatch(/judge groundedness \(vllm\/judge, prompt pppppppppppp\) has no calibration/);
    // A run metric is not a judge: it counts.
    expect(criteria.find((c) => c.criterion === 'p95_latency_ms')).toMatchObject({ verdict: 'pass', value: 20 });
  });

  it('names the calibration reason when the judge is uncalibrated, and counts it once calibrated', () => {
    const un = evaluateGate({
      ...base,
      calibration: () => ({ calibrated: false, reason: 'kappa 0.31 < 0.6 on 40 items' }),
    });
    expect(un.find((c) => c.criterion === 'groundedness')!.note).toBe(
      'judge groundedness is not calibrated: kappa 0.31 < 0.6 on 40 items',
    );
    const ok = evaluateGate({ ...base, calibration: () => ({ calibrated: true, reason: '' }) });
    expect(ok.every((c) => c.verdict === 'pass')).toBe(true);
  });

  it('blocks without evidence on a required dataset and checks nothing else there', () => {
    const criteria = evaluateGate({
      ...base,
      datasets: [{ name: 'qa', contentHash: 'b'.repeat(64) }],
      candidate: { version: 2, runs: new Map() },
      calibration: () => undefined,
    });
    expect(criteria).toEqual([expect.objectContaining({ criterion: 'evidence', verdict: 'unavailable' })]);
  });
});
