import { analyzeText } from '@ragops/rag';

// Longest-common-subsequence cost is |a|·|b|; answers and references past this many terms are cut
// so a hostile answer cannot stall a run (2 048² cells: ~10 ms on integer ids here; real answers
// and references are well under 500 terms).
const MAX_LCS_TERMS = 2_048;

/** Precision, recall and F1 of one answer against one reference. */
export type OverlapScores = { precision: number; recall: number; f1: number };

function harmonic(precision: number, recall: number): OverlapScores {
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** Both empty → 1 (nothing to say, nothing said); one empty → 0. */
function degenerate(a: readonly string[], b: readonly string[]): OverlapScores | undefined {
  if (a.length === 0 && b.length === 0) return { precision: 1, recall: 1, f1: 1 };
  if (a.length === 0 || b.length === 0) return { precision: 0, recall: 0, f1: 0 };
  return undefined;
}

/**
 * SQuAD-style token F1 over analysed terms (multiset overlap): precision = shared / answer terms,
 * recall = shared / reference terms.
 * @example tokenF1('Aliases mark what serves.', 'An alias marks the serving version.').f1 // 0.857…
 */
export function tokenF1(answer: string, reference: string): OverlapScores {
  const a = analyzeText(answer);
  const r = analyzeText(reference);
  const edge = degenerate(a, r);
  if (edge) return edge;
  const counts = new Map<string, number>();
  for (const t of r) counts.set(t, (counts.get(t) ?? 0) + 1);
  let shared = 0;
  for (const t of a) {
    const left = counts.get(t) ?? 0;
    if (left > 0) {
      shared++;
      counts.set(t, left - 1);
    }
  }
  return harmonic(shared / a.length, shared / r.length);
}

/**
 * Length of the longest common subsequence of two term lists (two-row dynamic programme over
 * integer term ids: comparing numbers, not strings, in the |a|·|b| loop).
 */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  const ids = new Map<string, number>();
  const intern = (terms: readonly string[]) =>
    Int32Array.from(terms, (t) => {
      const known = ids.get(t);
      if (known !== undefined) return known;
      ids.set(t, ids.size);
      return ids.size - 1;
    });
  const x = intern(a);
  const y = intern(b);
  let previous = new Uint32Array(y.length + 1);
  let current = new Uint32Array(y.length + 1);
  for (let i = 1; i <= x.length; i++) {
    const xi = x[i - 1];
    for (let j = 1; j <= y.length; j++) {
      current[j] = xi === y[j - 1] ? previous[j - 1]! + 1 : Math.max(previous[j]!, current[j - 1]!);
    }
    [previous, current] = [current, previous];
  }
  return previous[y.length]!;
}

/**
 * ROUGE-L F1 (β = 1) over analysed terms: precision = LCS / answer terms, recall = LCS / reference
 * terms. Each side is cut at 2 048 terms.
 */
export function rougeL(answer: string, reference: string): OverlapScores {
  const a = analyzeText(answer).slice(0, MAX_LCS_TERMS);
  const r = analyzeText(reference).slice(0, MAX_LCS_TERMS);
  const edge = degenerate(a, r);
  if (edge) return edge;
  const lcs = lcsLength(a, r);
  return harmonic(lcs / a.length, lcs / r.length);
}
