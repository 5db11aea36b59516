// Agreement between two raters (a person and a judge) on the same items. Hand-written: the few npm
// packages that compute κ are unmaintained one-file modules without weighted κ, and pulling a
// statistics library in for a rank correlation of a few hundred pairs is not worth it; the formulas
// are short and the unit tests check them against published worked examples.

/** Cohen's (1960) κ on nominal categories: (pₒ − pₑ) / (1 − pₑ). Undefined (NaN) when pₑ = 1. */
export function cohenKappa(a: readonly number[], b: readonly number[]): number {
  check(a, b);
  const n = a.length;
  const categories = [...new Set([...a, ...b])];
  let observed = 0;
  for (let i = 0; i < n; i++) if (a[i] === b[i]) observed++;
  let expected = 0;
  for (const c of categories) {
    expected += (a.filter((x) => x === c).length / n) * (b.filter((x) => x === c).length / n);
  }
  return (observed / n - expected) / (1 - expected);
}

/**
 * Quadratic-weighted κ (Cohen 1968, weights (i − j)²) on ordinal values: 1 − Σ(aᵢ − bᵢ)² over the
 * same sum expected under independence (every a against every b). Equivalent to the usual
 * (k × k)-table form with weights (i − j)² / (k − 1)² — the normalisation cancels — so it needs no
 * list of categories. Undefined (NaN) when both raters give one constant value.
 */
export function quadraticWeightedKappa(a: readonly number[], b: readonly number[]): number {
  check(a, b);
  const n = a.length;
  let observed = 0;
  for (let i = 0; i < n; i++) observed += (a[i]! - b[i]!) ** 2;
  // Σᵢ Σⱼ (aᵢ − bⱼ)² / n = n·(var a + var b + (mean a − mean b)²), computed from moments (O(n)).
  const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / n;
  const ma = mean(a);
  const mb = mean(b);
  const va = a.reduce((s, x) => s + (x - ma) ** 2, 0) / n;
  const vb = b.reduce((s, x) => s + (x - mb) ** 2, 0) / n;
  const expected = n * (va + vb + (ma - mb) ** 2);
  return 1 - observed / expected;
}

/**
 * Spearman's ρ: Pearson's correlation of the two raters' ranks, tied values getting the mean of the
 * ranks they span (the usual tie correction, as scipy.stats.spearmanr). Ordinal labels tie a lot (3
 * or 5 levels), so the d² shortcut 1 − 6Σd²/(n(n²−1)), exact only without ties, is not used.
 * Undefined (NaN) when either rater gives one constant value.
 */
export function spearmanRho(a: readonly number[], b: readonly number[]): number {
  check(a, b);
  const ra = ranks(a);
  const rb = ranks(b);
  const n = a.length;
  const mean = (n + 1) / 2; // ranks 1…n average (n + 1) / 2, ties or not
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    cov += (ra[i]! - mean) * (rb[i]! - mean);
    va += (ra[i]! - mean) ** 2;
    vb += (rb[i]! - mean) ** 2;
  }
  return cov / Math.sqrt(va * vb);
}

/** 1-based ranks, ties sharing the mean of their ranks. */
function ranks(v: readonly number[]): number[] {
  const order = v.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
  const out = new Array<number>(v.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]![0] === order[start]![0]) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) out[order[k]![1]] = rank;
    start = end + 1;
  }
  return out;
}

function check(a: readonly number[], b: readonly number[]): void {
  if (a.length !== b.length) throw new RangeError(`agreement needs paired ratings, got ${a.length} and ${b.length}`);
  if (a.length === 0) throw new RangeError('agreement needs at least one rated item');
}

/**
 * Paired ratings as counts: `counts[i × k + j]` items rated `levels[i]` by rater A and `levels[j]`
 * by rater B (k = levels.length, ascending). Memory is k², whatever the number of items; the
 * `…OfTable` statistics equal the functions above on the items the table counts.
 */
export type AgreementTable = { readonly levels: readonly number[]; readonly counts: Float64Array };

export function agreementTable(levels: readonly number[]): AgreementTable {
  return { levels, counts: new Float64Array(levels.length * levels.length) };
}

/** Counts one item rated `a` by rater A and `b` by rater B (each one of the table's levels). */
export function addPair(table: AgreementTable, a: number, b: number): void {
  const i = table.levels.indexOf(a);
  const j = table.levels.indexOf(b);
  if (i < 0 || j < 0) throw new RangeError(`ratings ${a}, ${b} are not levels of the table (${table.levels})`);
  const cell = i * table.levels.length + j;
  table.counts[cell] = table.counts[cell]! + 1;
}

/** Items, and how many each rater put at each level. */
function margins(t: AgreementTable): { n: number; a: Float64Array; b: Float64Array } {
  const k = t.levels.length;
  const a = new Float64Array(k);
  const b = new Float64Array(k);
  let n = 0;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const c = t.counts[i * k + j]!;
      a[i] = a[i]! + c;
      b[j] = b[j]! + c;
      n += c;
    }
  if (n === 0) throw new RangeError('agreement needs at least one rated item');
  return { n, a, b };
}

/** cohenKappa of the items a table counts. */
export function cohenKappaOfTable(t: AgreementTable): number {
  const { n, a, b } = margins(t);
  const k = t.levels.length;
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    observed += t.counts[i * k + i]!;
    expected += (a[i]! / n) * (b[i]! / n);
  }
  return (observed / n - expected) / (1 - expected);
}

/** quadraticWeightedKappa of the items a table counts. */
export function quadraticWeightedKappaOfTable(t: AgreementTable): number {
  const { n, a, b } = margins(t);
  const x = t.levels;
  const k = x.length;
  let observed = 0;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) observed += t.counts[i * k + j]! * (x[i]! - x[j]!) ** 2;
    ma += a[i]! * x[i]!;
    mb += b[i]! * x[i]!;
  }
  ma /= n;
  mb /= n;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < k; i++) {
    va += a[i]! * (x[i]! - ma) ** 2;
    vb += b[i]! * (x[i]! - mb) ** 2;
  }
  return 1 - observed / (n * (va / n + vb / n + (ma - mb) ** 2));
}

/** Each level's rank among n values (1-based; the items at one level share the mean of their ranks). */
function midRanks(atLevel: Float64Array): Float64Array {
  const out = new Float64Array(atLevel.length);
  let before = 0;
  atLevel.forEach((c, i) => {
    out[i] = before + (c + 1) / 2;
    before += c;
  });
  return out;
}

/** spearmanRho of the items a table counts. */
export function spearmanRhoOfTable(t: AgreementTable): number {
  const { n, a, b } = margins(t);
  const k = t.levels.length;
  const ra = midRanks(a);
  const rb = midRanks(b);
  const mean = (n + 1) / 2;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) cov += t.counts[i * k + j]! * (ra[i]! - mean) * (rb[j]! - mean);
    va += a[i]! * (ra[i]! - mean) ** 2;
    vb += b[i]! * (rb[i]! - mean) ** 2;
  }
  return cov / Math.sqrt(va * vb);
}
