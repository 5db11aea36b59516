// Agreement between two raters (a person and a judge) on the same items. Hand-written: the few npm
// packages that compute κ are unmaintained one-file modules without weighted κ; the formulas are
// short and the unit tests check them against published worked examples.

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

function check(a: readonly number[], b: readonly number[]): void {
  if (a.length !== b.length) throw new RangeError(`agreement needs paired ratings, got ${a.length} and ${b.length}`);
  if (a.length === 0) throw new RangeError('agreement needs at least one rated item');
}
