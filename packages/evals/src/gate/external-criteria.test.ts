import { gatePolicySchema } from '@ragops/core';
import { describe, expect, it } from 'vitest';
import { externalCriteriaRows } from './external-criteria.ts';

const policy = gatePolicySchema.parse({ datasets: ['qa'], splitTest: { endpoint: 'docs' } });
const row = {
  criterion: 'split_test:docs:judge:sentence_support',
  dataset: null,
  value: 0.1,
  interval: { mean: 0.1, low: 0.02, high: 0.18, n: 120 },
  threshold: 'always-valid 95% interval of candidate − control excludes 0',
  verdict: 'pass',
  note: 'promote: …',
};

describe('externalCriteriaRows', () => {
  it('asks nothing of a policy without a split test', () => {
    expect(externalCriteriaRows(gatePolicySchema.parse({ datasets: ['qa'] }), undefined)).toEqual([]);
  });

  it("takes the app's split-test row as it is when it is well-formed", () => {
    expect(externalCriteriaRows(policy, { available: true, criteria: [row] })).toEqual([row]);
  });

  it('turns no answer, an empty answer or a malformed row into one unavailable row (which blocks)', () => {
    const cases = [
      [undefined, /evidence unavailable/],
      [{ available: false as const, reason: 'not wired' }, /not wired/],
      [{ available: true as const, criteria: [] }, /no split-test criterion/],
      [{ available: true as const, criteria: [{ ...row, verdict: 'maybe' }] }, /malformed/],
      // An infinite bound would be stored as null and fail when the decision is read back.
      [
        { available: true as const, criteria: [{ ...row, interval: { ...row.interval, high: Infinity } }] },
        /malformed/,
      ],
    ] as const;
    for (const [evidence, note] of cases) {
      const rows = externalCriteriaRows(policy, evidence);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ criterion: 'split_test:docs:judge:sentence_support', verdict: 'unavailable' });
      expect(rows[0]!.note).toMatch(note);
    }
  });
});
