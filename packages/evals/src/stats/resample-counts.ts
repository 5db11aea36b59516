import { EXACT_RESAMPLING_MAX_N } from './bootstrap.ts';

// Below this mean (of the smaller side: successes or failures), a binomial is drawn exactly by
// inversion, which costs about that many steps; at or above it, from its normal limit, whose
// error there is a few per cent of a count's spread (Berry–Esseen) and shrinks as counts grow.
const EXACT_BINOMIAL_MEAN = 30;

/** A standard normal draw (Box–Muller) from two uniforms. */
function standardNormal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Successes in `trials` independent trials of probability `p`. */
function binomial(trials: number, p: number, random: () => number): number {
  if (trials === 0 || p <= 0) return 0;
  if (p >= 1) return trials;
  if (p > 0.5) return trials - binomial(trials, 1 - p, random);
  const mean = trials * p;
  if (mean >= EXACT_BINOMIAL_MEAN) {
    const k = Math.round(mean + Math.sqrt(mean * (1 - p)) * standardNormal(random));
    return Math.min(trials, Math.max(0, k));
  }
  // Inversion: walk P(0), P(1), … until their sum passes a uniform draw.
  const u = random();
  const ratio = p / (1 - p);
  let probability = Math.exp(trials * Math.log1p(-p));
  let cdf = probability;
  let k = 0;
  while (u > cdf && k < trials && probability > 0) {
    probability *= ((trials - k) / (k + 1)) * ratio;
    k++;
    cdf += probability;
  }
  return k;
}

/**
 * One bootstrap resample of a sample given as counts (cell → how many carry it): the same total
 * drawn with replacement, written into `out` (as long as `counts`). Memory and time do not grow
 * with the total once it is past EXACT_RESAMPLING_MAX_N. Up to it, values are drawn one by one
 * (a resample of the values listed cell by cell); above, as a multinomial of the same total, cell
 * by cell, each count a binomial of what is left (exact for small means, else its normal limit).
 * @example resampleCounts(new Float64Array([3, 1]), seededRandom(1), new Float64Array(2)) // e.g. [4, 0]
 */
export function resampleCounts(counts: Float64Array, random: () => number, out: Float64Array): void {
  let n = 0;
  for (const c of counts) n += c;
  out.fill(0);
  if (n <= EXACT_RESAMPLING_MAX_N) {
    // ends[j]: how many values lie in cells ≤ j, so position i falls in the first j with i < ends[j].
    const ends = new Float64Array(counts.length);
    let total = 0;
    counts.forEach((c, j) => {
      total += c;
      ends[j] = total;
    });
    for (let i = 0; i < n; i++) {
      const position = Math.floor(random() * n);
      let lo = 0;
      let hi = counts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (position < ends[mid]!) hi = mid;
        else lo = mid + 1;
      }
      out[lo] = out[lo]! + 1;
    }
    return;
  }
  let trials = n;
  let rest = n;
  for (let j = 0; j < counts.length && trials > 0; j++) {
    const c = counts[j]!;
    if (c === 0) continue;
    const k = c === rest ? trials : binomial(trials, c / rest, random);
    out[j] = k;
    trials -= k;
    rest -= c;
  }
}
