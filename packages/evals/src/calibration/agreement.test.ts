import { describe, expect, it } from 'vitest';
import { seededRandom } from '../stats/seeded-random.ts';
import {
  addPair,
  agreementTable,
  cohenKappa,
  cohenKappaOfTable,
  quadraticWeightedKappa,
  quadraticWeightedKappaOfTable,
  spearmanRho,
  spearmanRhoOfTable,
} from './agreement.ts';

/** Expands a contingency table (rows: rater A's category, columns: rater B's) into paired ratings. */
function fromTable(table: number[][]): [number[], number[]] {
  const a: number[] = [];
  const b: number[] = [];
  for (const [i, row] of table.entries()) {
    for (const [j, count] of row.entries()) {
      for (let k = 0; k < count; k++) {
        a.push(i);
        b.push(j);
      }
    }
  }
  return [a, b];
}

describe('cohenKappa', () => {
  it('matches Fleiss, Levin & Paik, Statistical Methods for Rates and Proportions (3rd ed., 2003), Table 18.1: κ = 0.68', () => {
    // 100 patients diagnosed by two raters: psychotic, neurotic, organic. pₒ = 0.89, pₑ = 0.66.
    const [a, b] = fromTable([
      [75, 1, 4],
      [5, 4, 1],
      [0, 0, 10],
    ]);
    expect(cohenKappa(a, b)).toBeCloseTo(0.23 / 0.34, 10);
    expect(cohenKappa(a, b).toFixed(2)).toBe('0.68');
  });

  it('matches the 2 × 2 example of Cohen’s κ (20 yes/yes, 5, 10, 15 no/no: pₒ = 0.7, pₑ = 0.5, κ = 0.4)', () => {
    const [a, b] = fromTable([
      [20, 5],
      [10, 15],
    ]);
    expect(cohenKappa(a, b)).toBeCloseTo(0.4, 12);
  });

  it('is 1 for perfect agreement, ≤ 0 for agreement at or below chance, NaN without variation', () => {
    expect(cohenKappa([0, 1, 1, 0], [0, 1, 1, 0])).toBe(1);
    expect(cohenKappa([0, 1, 0, 1], [1, 0, 0, 1])).toBeLessThanOrEqual(0);
    expect(cohenKappa([1, 1, 1], [1, 1, 1])).toBeNaN();
    expect(() => cohenKappa([1], [1, 0])).toThrow(RangeError);
  });
});

describe('quadraticWeightedKappa', () => {
  it('matches the Maple EssayTools QuadraticWeightedKappa documentation examples (0.758620689655172, 0.438095238095238)', () => {
    // https://www.maplesoft.com/support/help/Maple/view.aspx?path=EssayTools/QuadraticWeightedKappa
    expect(quadraticWeightedKappa([9, 7, 8, 7, 6, 8, 3, 5, 10], [8, 8, 6, 6, 7, 6, 1, 4, 8])).toBeCloseTo(
      0.758620689655172,
      12,
    );
    expect(quadraticWeightedKappa([9, 7, 8, 7, 6, 8, 3, 5, 10], [3, 5, 6, 6, 7, 6, 1, 4, 8])).toBeCloseTo(
      0.438095238095238,
      12,
    );
  });

  it('equals the (k × k)-table form with weights (i − j)² / (k − 1)² on the Fleiss Table 18.1 counts', () => {
    const table = [
      [75, 1, 4],
      [5, 4, 1],
      [0, 0, 10],
    ];
    const [a, b] = fromTable(table);
    const k = 3;
    const n = a.length;
    const rows = table.map((r) => r.reduce((s, x) => s + x, 0) / n);
    const cols = table[0]!.map((_, j) => table.reduce((s, r) => s + r[j]!, 0) / n);
    let o = 0;
    let e = 0;
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++) {
        const w = (i - j) ** 2 / (k - 1) ** 2;
        o += (w * table[i]![j]!) / n;
        e += w * rows[i]! * cols[j]!;
      }
    expect(quadraticWeightedKappa(a, b)).toBeCloseTo(1 - o / e, 12);
  });

  it('does not depend on the scale: 0–1 scores give the κ of the same ratings on 1–5', () => {
    const a = [1, 2, 3, 4, 5, 5, 4, 2];
    const b = [1, 3, 3, 5, 5, 4, 4, 1];
    const scaled = (v: number[]) => v.map((x) => (x - 1) / 4);
    expect(quadraticWeightedKappa(scaled(a), scaled(b))).toBeCloseTo(quadraticWeightedKappa(a, b), 12);
  });
});

describe('spearmanRho', () => {
  it('matches the worked example of Wikipedia’s “Spearman’s rank correlation coefficient” (IQ vs hours of TV): ρ = −29/165', () => {
    // https://en.wikipedia.org/wiki/Spearman%27s_rank_correlation_coefficient#Example (no ties: Σd² = 194)
    const iq = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110];
    const tv = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17];
    expect(spearmanRho(iq, tv)).toBeCloseTo(-29 / 165, 12);
    expect(spearmanRho(iq, tv).toFixed(4)).toBe('-0.1758');
  });

  it('matches scipy.stats.spearmanr’s documented example with ties (0.8207826816681233)', () => {
    // https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.spearmanr.html: [1..5] vs [5, 6, 7, 8, 7]
    expect(spearmanRho([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(0.8207826816681233, 12);
  });

  it('is ±1 for monotone relations (any scale), NaN when a rater is constant', () => {
    expect(spearmanRho([0, 0.25, 0.5, 1], [1, 2, 30, 400])).toBeCloseTo(1, 12);
    expect(spearmanRho([0, 0.5, 0.5, 1], [1, 0.5, 0.5, 0])).toBeCloseTo(-1, 12);
    expect(spearmanRho([1, 1, 1], [0, 0.5, 1])).toBeNaN();
  });
});

describe('agreement of a table of counts', () => {
  /** The table of paired ratings on `levels` (each rating one of them). */
  function tableOf(levels: number[], a: number[], b: number[]) {
    const t = agreementTable(levels);
    for (const [i, x] of a.entries()) addPair(t, x, b[i]!);
    return t;
  }

  it('equals the statistics of the paired ratings it counts (Fleiss Table 18.1, Maple, scipy)', () => {
    const [a, b] = fromTable([
      [75, 1, 4],
      [5, 4, 1],
      [0, 0, 10],
    ]);
    const fleiss = tableOf([0, 1, 2], a, b);
    expect(cohenKappaOfTable(fleiss)).toBeCloseTo(0.23 / 0.34, 12);
    expect(quadraticWeightedKappaOfTable(fleiss)).toBeCloseTo(quadraticWeightedKappa(a, b), 12);
    expect(spearmanRhoOfTable(fleiss)).toBeCloseTo(spearmanRho(a, b), 12);
    const essays = [9, 7, 8, 7, 6, 8, 3, 5, 10];
    const graders = [8, 8, 6, 6, 7, 6, 1, 4, 8];
    const scale = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(quadraticWeightedKappaOfTable(tableOf(scale, essays, graders))).toBeCloseTo(0.758620689655172, 12);
    expect(spearmanRhoOfTable(tableOf([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 4, 5], [5, 6, 7, 8, 7]))).toBeCloseTo(
      0.8207826816681233,
      12,
    );
  });

  it('equals them on random ratings of five levels, and is NaN where they are', () => {
    const levels = [0, 0.25, 0.5, 0.75, 1];
    const random = seededRandom(7);
    for (let trial = 0; trial < 50; trial++) {
      const n = 2 + Math.floor(random() * 60);
      const a = Array.from({ length: n }, () => levels[Math.floor(random() * 5)]!);
      // Rater B mostly agrees, off by a level now and then.
      const b = a.map((x) => (random() < 0.7 ? x : levels[Math.floor(random() * 5)]!));
      const t = tableOf(levels, a, b);
      // Equal, or both NaN (a constant rater on a small draw).
      const same = (x: number, y: number) => (Number.isNaN(y) ? expect(x).toBeNaN() : expect(x).toBeCloseTo(y, 12));
      same(cohenKappaOfTable(t), cohenKappa(a, b));
      same(quadraticWeightedKappaOfTable(t), quadraticWeightedKappa(a, b));
      same(spearmanRhoOfTable(t), spearmanRho(a, b));
    }
    const constant = tableOf(levels, [1, 1, 1], [1, 1, 1]);
    expect([
      cohenKappaOfTable(constant),
      quadraticWeightedKappaOfTable(constant),
      spearmanRhoOfTable(constant),
    ]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(cohenKappaOfTable(tableOf(levels, [0, 1, 1, 0], [0, 1, 1, 0]))).toBe(1);
  });

  it('refuses a rating that is not one of its levels, and an empty table', () => {
    expect(() => addPair(agreementTable([0, 1]), 0.5, 1)).toThrow(RangeError);
    expect(() => cohenKappaOfTable(agreementTable([0, 1]))).toThrow(RangeError);
  });
});
