import { seededRandom } from './seeded-random.ts';

/** A mean with its bootstrap interval, and how many values it rests on. */
export type MeanInterval = { mean: number; low: number; high: number; n: number };

export type BootstrapOptions = {
  /** Two-sided coverage of the interval; default 0.95. */
  confidence?: number;
  /** Bootstrap resamples; default 2 000 (the interval's ends move by < 0.005 on 0–1 scores past that). */
  resamples?: number;
  /** Same values + same seed → same interval; default 1. */
  seed?: number;
};

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** Type-7 (linear interpolation) quantile of sorted values. */
function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function check(values: readonly number[], options: BootstrapOptions): Required<BootstrapOptions> {
  if (values.length === 0) throw new RangeError('a bootstrap interval needs at least one value');
  if (!values.every(Number.isFinite)) throw new RangeError('bootstrap values must be finite numbers');
  return checkOptions(options);
}

function checkOptions(options: BootstrapOptions): Required<BootstrapOptions> {
  const confidence = options.confidence ?? 0.95;
  const resamples = options.resamples ?? 2_000;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be ≥ 1, got ${resamples}`);
  return { confidence, resamples, seed: options.seed ?? 1 };
}

/** The percentile interval of the resampled means, clamped to the mean (and to the values' range). */
function percentileInterval(
  means: Float64Array,
  m: number,
  n: number,
  confidence: number,
  range: { min: number; max: number },
): MeanInterval {
  means.sort();
  const alpha = (1 - confidence) / 2;
  // Clamped to the mean: with very few resamples a quantile could land on the wrong side of it.
  const low = Math.max(range.min, Math.min(m, quantile(means, alpha)));
  const high = Math.min(range.max, Math.max(m, quantile(means, 1 - alpha)));
  return { mean: m, low, high, n };
}

/**
 * Percentile-bootstrap interval of the mean: resample the values with replacement `resamples`
 * times and take the (1 ± confidence)/2 quantiles of the resampled means. Seeded, so a report is
 * reproducible. One value, or all values equal, give low = mean = high (no spread to resample);
 * read `n` before trusting a narrow interval. Throws RangeError for no values or a non-finite one.
 * Measured coverage for nominal 0.95 (1 000 simulated samples each, 1 000 resamples): normal scores
 * 0.90 at n = 10, 0.95 at n = 30, 0.94 at n = 100; 0/1 verdicts (p = 0.7) 0.97 / 0.95 / 0.95 at
 * n = 10 / 40 / 100. Percentile intervals run narrow on small n: below ~10 rows read them as rough.
 * bootstrap.test.ts guards ≥ 0.9 at n = 30 and n = 40.
 * @example bootstrapMeanInterval([0, 1, 1, 1], { seed: 7 }) // { mean: 0.75, low, high, n: 4 }
 */
export function bootstrapMeanInterval(values: readonly number[], options: BootstrapOptions = {}): MeanInterval {
  const { confidence, resamples, seed } = check(values, options);
  const m = mean(values);
  const n = values.length;
  if (values.every((v) => v === values[0])) return { mean: m, low: m, high: m, n };
  const random = seededRandom(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[Math.floor(random() * n)]!;
    means[r] = sum / n;
  }
  return percentileInterval(means, m, n, confidence, { min: -Infinity, max: Infinity });
}

/**
 * Above this many values, bootstrapMeanIntervalOfCounts draws each resampled mean from its normal
 * limit instead of value by value: one by one, 2,000 resamples of 100,000 values took 1.5 s (one
 * criterion of one group) on this 2-core machine; the limit costs O(resamples) whatever n is.
 */
export const EXACT_RESAMPLING_MAX_N = 20_000;

/**
 * bootstrapMeanInterval of a sample given as counts (value → how often it occurs), for samples
 * too large to hold: memory is one entry per distinct value (a reviewer label has at most five).
 * Up to EXACT_RESAMPLING_MAX_N values it resamples them one by one: the same interval as
 * bootstrapMeanInterval over the values in ascending order. Above, each resampled mean is drawn
 * from N(mean, variance / n), the resampled means' own variance, kept within the values' range.
 * Measured at 20,001 and 100,000 values against resampling one by one: the bounds moved by ≤ 8% of
 * the interval's half-width on five skewed levels and on 0/1 verdicts, as much as changing the
 * seed moves them (≤ 7%); by up to 14% (3e-5 absolute) when one value is rarer than 1 in 1,000.
 * Throws RangeError for no values, a non-finite value or a count that is not a positive integer.
 * @example bootstrapMeanIntervalOfCounts(new Map([[0, 1], [1, 3]]), { seed: 7 }) // = bootstrapMeanInterval([0, 1, 1, 1], { seed: 7 })
 */
export function bootstrapMeanIntervalOfCounts(
  counts: ReadonlyMap<number, number>,
  options: BootstrapOptions = {},
): MeanInterval {
  const levels = [...counts.keys()].sort((a, b) => a - b);
  if (levels.length === 0) throw new RangeError('a bootstrap interval needs at least one value');
  if (!levels.every(Number.isFinite)) throw new RangeError('bootstrap values must be finite numbers');
  const { confidence, resamples, seed } = checkOptions(options);
  // ends[j]: how many values are ≤ levels[j], so sorted position i holds the first level with i < ends[j].
  const ends = new Float64Array(levels.length);
  let n = 0;
  let sum = 0;
  levels.forEach((level, j) => {
    const c = counts.get(level)!;
    if (!Number.isInteger(c) || c < 1) throw new RangeError(`counts must be positive integers, got ${c} for ${level}`);
    n += c;
    sum += level * c;
    ends[j] = n;
  });
  const m = sum / n;
  if (levels.length === 1) return { mean: m, low: m, high: m, n };
  const random = seededRandom(seed);
  const means = new Float64Array(resamples);
  if (n <= EXACT_RESAMPLING_MAX_N) {
    for (let r = 0; r < resamples; r++) {
      let total = 0;
      for (let i = 0; i < n; i++) {
        const position = Math.floor(random() * n);
        let lo = 0;
        let hi = levels.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (position < ends[mid]!) hi = mid;
          else lo = mid + 1;
        }
        total += levels[lo]!;
      }
      means[r] = total / n;
    }
  } else {
    let squares = 0;
    for (const level of levels) squares += counts.get(level)! * (level - m) ** 2;
    const sd = Math.sqrt(squares / n / n);
    for (let r = 0; r < resamples; r++) {
      // Box–Muller: a standard normal draw from two uniforms.
      const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      means[r] = m + sd * z;
    }
  }
  return percentileInterval(means, m, n, confidence, { min: levels[0]!, max: levels.at(-1)! });
}

/**
 * Paired bootstrap of B − A over per-row differences (row i of `a` and of `b` score the same
 * eval row): the mean difference and its interval. An interval above 0 says B is better on these
 * rows at that confidence. Throws RangeError when the lengths differ or there are no pairs.
 * @example pairedBootstrapDiff(runA.scores, runB.scores) // { mean: 0.04, low: 0.01, high: 0.07, n: 30 }
 */
export function pairedBootstrapDiff(
  a: readonly number[],
  b: readonly number[],
  options: BootstrapOptions = {},
): MeanInterval {
  if (a.length !== b.length) {
    throw new RangeError(`paired scores need one value per row on both sides, got ${a.length} and ${b.length}`);
  }
  return bootstrapMeanInterval(
    b.map((v, i) => v - a[i]!),
    options,
  );
}
