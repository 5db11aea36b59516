import { seededRandom } from '@ragops/evals';
import { describe, expect, it } from 'vitest';
import { centroidDistanceTest } from './centroid-test.ts';
import { ksTest } from './ks-test.ts';
import { mmdTest } from './mmd-test.ts';
import { twoProportionTest } from './proportion-test.ts';
import { psiTest } from './psi.ts';
import { centroid, cosineDistance } from './vector-stats.ts';

/** Standard normal draws (Box–Muller) from a seeded uniform source. */
const normal = (random: () => number) => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

/** n vectors of `dims` normals around `mean` (the mean of the first dimensions, the rest 0). */
function cloud(random: () => number, n: number, dims: number, mean: readonly number[] = []): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: dims }, (_, d) => (mean[d] ?? 0) + 1 + normal(random)));
}

/** Scores in [0, 1] like cosine similarities: a clipped normal. */
function scores(random: () => number, n: number, mean: number): number[] {
  return Array.from({ length: n }, () => Math.min(1, Math.max(0, mean + 0.12 * normal(random))));
}

const ALPHA = 0.05;
// 300 seeds: the false-alarm rate's standard error at 5% is 1.3 points; 4 points of slack is 3 SE.
const SEEDS = 300;
const SLACK = 0.04;

function falseAlarmRate(test: (random: () => number, seed: number) => number): number {
  let alarms = 0;
  for (let seed = 1; seed <= SEEDS; seed++) if (test(seededRandom(seed * 7919), seed) < ALPHA) alarms++;
  return alarms / SEEDS;
}

describe('vector statistics', () => {
  it('centroid and cosine distance', () => {
    expect(
      centroid([
        [1, 0],
        [3, 2],
      ]),
    ).toEqual([2, 1]);
    expect(cosineDistance([1, 0], [0, 1])).toBeCloseTo(1, 12);
    expect(cosineDistance([1, 1], [2, 2])).toBeCloseTo(0, 12);
    expect(cosineDistance([0, 0], [1, 0])).toBe(1);
    expect(() => centroid([])).toThrow(RangeError);
  });
});

describe('query-embedding tests (MMD, centroid distance)', () => {
  it('detect a shift of a few dimensions, deterministically for a seed', () => {
    const random = seededRandom(11);
    const before = cloud(random, 60, 16);
    const after = cloud(random, 60, 16, [1.2, 1.2, 1.2]);
    const mmd = mmdTest(before, after, { seed: 5 });
    expect(mmd.pValue).toBeLessThan(0.01);
    expect(mmd.statistic).toBeGreaterThan(0);
    expect(mmdTest(before, after, { seed: 5 })).toEqual(mmd);
    expect(centroidDistanceTest(before, after, { seed: 5 }).pValue).toBeLessThan(0.01);
  });

  it(`stay quiet on resampled data: false alarms ≤ α + ${SLACK} over ${SEEDS} seeds`, () => {
    const mmd = falseAlarmRate(
      (random, seed) => mmdTest(cloud(random, 40, 16), cloud(random, 40, 16), { seed, permutations: 99 }).pValue,
    );
    const centroidRate = falseAlarmRate(
      (random, seed) =>
        centroidDistanceTest(cloud(random, 40, 16), cloud(random, 40, 16), { seed, permutations: 99 }).pValue,
    );
    // Measured at α = 5%: MMD 0.033, centroid 0.027 (KS 0.037, PSI 0.050 below); permutation p-values are exact.
    expect(mmd).toBeLessThanOrEqual(ALPHA + SLACK);
    expect(centroidRate).toBeLessThanOrEqual(ALPHA + SLACK);
  });
});

describe('retrieval-score tests (KS, PSI)', () => {
  it('detect a drop of the scores', () => {
    const random = seededRandom(3);
    const before = scores(random, 80, 0.6);
    const after = scores(random, 80, 0.45);
    expect(ksTest(after, before).pValue).toBeLessThan(0.01);
    const psi = psiTest(after, before, { seed: 1 });
    expect(psi.statistic).toBeGreaterThan(0.25);
    expect(psi.pValue).toBeLessThan(0.01);
    expect(psi.bins).toHaveLength(12);
  });

  it('KS matches a known value', () => {
    // D = 0.5 for two disjoint halves of 1…8; scipy.stats.ks_2samp gives D = 1 for fully disjoint.
    expect(ksTest([1, 2, 3, 4], [5, 6, 7, 8]).statistic).toBe(1);
    expect(ksTest([1, 2, 3, 4], [1, 2, 3, 4]).statistic).toBe(0);
    expect(ksTest([1, 2, 3, 4], [1, 2, 3, 4]).pValue).toBe(1);
  });

  it(`stay quiet on resampled data: false alarms ≤ α + ${SLACK} over ${SEEDS} seeds`, () => {
    const ks = falseAlarmRate((random) => ksTest(scores(random, 50, 0.6), scores(random, 50, 0.6)).pValue);
    const psi = falseAlarmRate(
      (random, seed) => psiTest(scores(random, 50, 0.6), scores(random, 50, 0.6), { seed, permutations: 99 }).pValue,
    );
    expect(ks).toBeLessThanOrEqual(ALPHA + SLACK);
    expect(psi).toBeLessThanOrEqual(ALPHA + SLACK);
  });
});

describe('empty-retrieval share (two-proportion test)', () => {
  it('detects a rise and is quiet on resamples', () => {
    expect(twoProportionTest(30, 100, 10, 100).pValue).toBeLessThan(0.01);
    expect(twoProportionTest(0, 10, 0, 10).pValue).toBe(1);
    const rate = falseAlarmRate((random) => {
      const hits = (n: number) => Array.from({ length: n }, () => random() < 0.1).filter(Boolean).length;
      return twoProportionTest(hits(200), 200, hits(200), 200).pValue;
    });
    expect(rate).toBeLessThanOrEqual(ALPHA + SLACK);
  });
});
