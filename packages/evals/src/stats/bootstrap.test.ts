import { describe, expect, it } from 'vitest';
import { aggregateByTag } from './aggregate-by-tag.ts';
import {
  bootstrapMeanInterval,
  bootstrapMeanIntervalOfCounts,
  EXACT_RESAMPLING_MAX_N,
  pairedBootstrapDiff,
} from './bootstrap.ts';
import { seededRandom } from './seeded-random.ts';

/** Standard normal draws (Box–Muller) from a seeded uniform source. */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Fraction of `trials` simulated samples whose 95% interval holds the true mean. */
function coverage(draw: (random: () => number) => number, trueMean: number, n: number, trials: number): number {
  const random = seededRandom(2024);
  let covered = 0;
  for (let t = 0; t < trials; t++) {
    const sample = Array.from({ length: n }, () => draw(random));
    const { low, high } = bootstrapMeanInterval(sample, { resamples: 1_000, seed: t + 1 });
    if (low <= trueMean && trueMean <= high) covered++;
  }
  return covered / trials;
}

describe('bootstrapMeanInterval', () => {
  it('is deterministic for a seed and brackets the mean', () => {
    const values = [0.1, 0.4, 0.4, 0.9, 1, 0.7, 0.2];
    const a = bootstrapMeanInterval(values, { seed: 3 });
    expect(bootstrapMeanInterval(values, { seed: 3 })).toEqual(a);
    expect(bootstrapMeanInterval(values, { seed: 4 })).not.toEqual(a);
    expect(a.n).toBe(7);
    expect(a.mean).toBeCloseTo(3.7 / 7, 12);
    expect(a.low).toBeLessThan(a.mean);
    expect(a.high).toBeGreaterThan(a.mean);
    expect(a.low).toBeGreaterThanOrEqual(0.1);
    expect(a.high).toBeLessThanOrEqual(1);
  });

  it('collapses to the mean for one value or all-equal values, and refuses none', () => {
    expect(bootstrapMeanInterval([0.5])).toEqual({ mean: 0.5, low: 0.5, high: 0.5, n: 1 });
    expect(bootstrapMeanInterval([1, 1, 1])).toEqual({ mean: 1, low: 1, high: 1, n: 3 });
    expect(() => bootstrapMeanInterval([])).toThrow(RangeError);
    expect(() => bootstrapMeanInterval([Number.NaN, 1])).toThrow(RangeError);
    expect(() => bootstrapMeanInterval([0, 1], { confidence: 1 })).toThrow(RangeError);
  });

  it('narrows as n grows (same spread, 16× the rows → about a quarter of the width)', () => {
    const base = [0, 1, 0.5, 0.25, 0.75];
    const small = bootstrapMeanInterval(base);
    const large = bootstrapMeanInterval(Array.from({ length: 16 }, () => base).flat());
    const ratio = (large.high - large.low) / (small.high - small.low);
    expect(ratio).toBeGreaterThan(0.15);
    expect(ratio).toBeLessThan(0.4);
  });

  it('covers the true mean ≥ 90% of the time for nominal 95% (normal scores, n = 30, 400 samples)', () => {
    const c = coverage((r) => 0.6 + 0.2 * normal(r), 0.6, 30, 400);
    expect(c).toBeGreaterThanOrEqual(0.9);
    expect(c).toBeLessThanOrEqual(0.99); // an interval that always covers is too wide to be useful
  });

  it('covers ≥ 90% on 0/1 judge verdicts (p = 0.7, n = 40, 400 samples)', () => {
    expect(coverage((r) => (r() < 0.7 ? 1 : 0), 0.7, 40, 400)).toBeGreaterThanOrEqual(0.9);
  });
});

describe('bootstrapMeanIntervalOfCounts', () => {
  /** `n` reviewer-style labels on five levels, skewed towards 1, as counts and as sorted values. */
  const sample = (n: number) => {
    const random = seededRandom(n);
    const levels = [0, 0.25, 0.5, 0.75, 1];
    const weights = [0.05, 0.05, 0.1, 0.3, 0.5];
    const values = Array.from({ length: n }, () => {
      let u = random();
      let j = 0;
      while (u >= weights[j]! && j < levels.length - 1) u -= weights[j++]!;
      return levels[j]!;
    }).sort((a, b) => a - b);
    const counts = new Map<number, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    return { values, counts };
  };

  it('resamples one by one up to the bound: the interval of the sorted values', () => {
    for (const [n, resamples] of [
      [7, 2_000],
      [300, 2_000],
      [EXACT_RESAMPLING_MAX_N, 50],
    ] as const) {
      const { values, counts } = sample(n);
      const a = bootstrapMeanIntervalOfCounts(counts, { seed: 5, resamples });
      const b = bootstrapMeanInterval(values, { seed: 5, resamples });
      expect([a.low, a.high, a.n]).toEqual([b.low, b.high, b.n]);
      expect(a.mean).toBeCloseTo(b.mean, 12);
    }
  });

  it('above it, draws from the normal limit: within the Monte Carlo noise of resampling one by one', () => {
    const { values, counts } = sample(30_000);
    const limit = bootstrapMeanIntervalOfCounts(counts);
    const exact = bootstrapMeanInterval(values);
    const halfWidth = (exact.high - exact.low) / 2;
    expect(limit.n).toBe(30_000);
    expect(limit.mean).toBeCloseTo(exact.mean, 12);
    expect(Math.abs(limit.low - exact.low)).toBeLessThan(0.1 * halfWidth);
    expect(Math.abs(limit.high - exact.high)).toBeLessThan(0.1 * halfWidth);
    // A million values cost as little as a few, and the interval keeps narrowing.
    const million = bootstrapMeanIntervalOfCounts(new Map([...counts].map(([v, c]) => [v, c * 100])));
    expect(million.n).toBe(3_000_000);
    expect(million.high - million.low).toBeLessThan((exact.high - exact.low) / 5);
  });

  it('stays within the values, collapses for one value and refuses no values or bad counts', () => {
    const rare = bootstrapMeanIntervalOfCounts(
      new Map([
        [0, 3],
        [1, 99_997],
      ]),
    );
    expect(rare.high).toBeLessThanOrEqual(1);
    expect(rare.low).toBeLessThan(rare.mean);
    expect(bootstrapMeanIntervalOfCounts(new Map([[0.5, 40_000]]))).toEqual({
      mean: 0.5,
      low: 0.5,
      high: 0.5,
      n: 40_000,
    });
    expect(() => bootstrapMeanIntervalOfCounts(new Map())).toThrow(RangeError);
    expect(() => bootstrapMeanIntervalOfCounts(new Map([[1, 1.5]]))).toThrow(RangeError);
    expect(() => bootstrapMeanIntervalOfCounts(new Map([[Number.NaN, 1]]))).toThrow(RangeError);
  });
});

describe('pairedBootstrapDiff', () => {
  it('takes B − A per row: a constant gain is found exactly, a shuffled copy is not a gain', () => {
    const a = [0.2, 0.5, 0.9, 0.4, 0.6, 0.1];
    expect(
      pairedBootstrapDiff(
        a,
        a.map((v) => v + 0.1),
      ),
    ).toMatchObject({ low: expect.closeTo(0.1, 12), high: expect.closeTo(0.1, 12), n: 6 });
    const shuffled = pairedBootstrapDiff(a, [...a].reverse());
    expect(shuffled.mean).toBeCloseTo(0, 12);
    expect(shuffled.low).toBeLessThan(0);
    expect(shuffled.high).toBeGreaterThan(0);
  });

  it('is sharper than comparing two unpaired intervals when rows vary a lot', () => {
    const random = seededRandom(9);
    const a = Array.from({ length: 40 }, () => random());
    const b = a.map((v) => Math.min(1, v + 0.05 + 0.02 * normal(random)));
    const diff = pairedBootstrapDiff(a, b);
    expect(diff.low).toBeGreaterThan(0); // paired: the small, consistent gain is visible
    const ia = bootstrapMeanInterval(a);
    const ib = bootstrapMeanInterval(b);
    expect(ib.low).toBeLessThan(ia.high); // unpaired: the two intervals overlap
  });

  it('refuses sides of different lengths', () => {
    expect(() => pairedBootstrapDiff([1], [1, 0])).toThrow(/one value per row/);
  });
});

describe('aggregateByTag', () => {
  it('aggregates overall and per tag, counting a row in each of its tags', () => {
    const out = aggregateByTag([
      { score: 1, tags: ['registry', 'concepts'] },
      { score: 0, tags: ['registry'] },
      { score: 0.5 },
    ]);
    expect(out?.all).toMatchObject({ mean: 0.5, n: 3 });
    expect(Object.keys(out?.byTag ?? {})).toEqual(['concepts', 'registry']);
    expect(out?.byTag.registry).toMatchObject({ mean: 0.5, n: 2 });
    expect(out?.byTag.concepts).toEqual({ mean: 1, low: 1, high: 1, n: 1 });
    expect(aggregateByTag([])).toBeUndefined();
  });
});
