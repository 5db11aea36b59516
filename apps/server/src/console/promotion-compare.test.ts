import type { EvalRunRow } from '@ragops/evals';
import { describe, expect, it } from 'vitest';
import { pairRows } from './promotion-compare.ts';

function row(rowId: string, scores: Record<string, number | null>): EvalRunRow {
  return {
    runId: 'er_x',
    rowId,
    seq: 0,
    status: 'ok',
    tags: [],
    question: `question ${rowId}`,
    answer: 'a',
    retrieved: [],
    scores: Object.fromEntries(Object.entries(scores).map(([j, score]) => [j, { score, verdicts: [] }])),
    error: null,
    latency: { totalMs: 1, retrievalMs: null, generationMs: null, judgeMs: 0 },
    tokens: { in: null, out: null, judgeIn: 0, judgeOut: 0 },
    costUsd: null,
    createdAt: '',
  };
}

describe('pairRows', () => {
  it('pairs by row id in the candidate order, candidate − holder per judge, null without both scores', () => {
    const holder = [row('q1', { f1: 0.5, s: 1 }), row('q2', { f1: 0.2, s: null }), row('q9', { f1: 1, s: 1 })];
    const candidate = [row('q2', { f1: 0.6, s: 1 }), row('q1', { f1: 0.25, s: 1 }), row('q3', { f1: 1, s: 0 })];
    const pairs = pairRows(holder, candidate, ['f1', 's', 'missing']);
    expect(pairs.map((p) => [p.rowId, p.diffs])).toEqual([
      ['q2', { f1: 0.6 - 0.2, s: null, missing: null }],
      ['q1', { f1: -0.25, s: 0, missing: null }],
      ['q3', { f1: null, s: null, missing: null }],
      ['q9', { f1: null, s: null, missing: null }],
    ]);
    expect(pairs[2]?.holder).toBeUndefined();
    expect(pairs[3]?.candidate).toBeUndefined();
    expect(pairs[3]?.question).toBe('question q9');
  });

  it('without a holder every row stands alone', () => {
    const pairs = pairRows([], [row('q1', { f1: 1 })], ['f1']);
    expect(pairs).toEqual([expect.objectContaining({ rowId: 'q1', holder: undefined, diffs: { f1: null } })]);
  });
});
