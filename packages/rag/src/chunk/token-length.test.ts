import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { countTokens as uncut } from 'gpt-tokenizer/encoding/cl100k_base';
import { describe, expect, it } from 'vitest';
import { countTokens, EXACT_TOKEN_BUDGET, estimateTokens } from './token-length.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const prose = ['README.md', 'docs/indexes.md'].map((f) => readFileSync(join(ROOT, f), 'utf8')).join('\n');
const code = readFileSync(join(import.meta.dirname, '..', 'build', 'build-index.ts'), 'utf8');

/** Fastest of `runs` timings of `work`, in ms: the least disturbed by a busy machine. */
function fastest(work: () => unknown, runs = 5): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    work();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** Time of one call on `big` divided by the time of one call on `small` (averaged over a batch). */
function costRatio(count: (s: string) => number, small: string, big: string): number {
  const batch = 20;
  const smallMs =
    fastest(() => {
      for (let i = 0; i < batch; i++) count(small);
    }) / batch;
  return fastest(() => count(big), 3) / smallMs;
}

describe('countTokens', () => {
  it('is exact on prose and code (the uncut cl100k count, within 0.1%)', () => {
    for (const text of [prose, code, 'hello world', '']) {
      const exact = uncut(text);
      expect(Math.abs(countTokens(text) - exact)).toBeLessThanOrEqual(Math.ceil(exact * 0.001));
    }
    expect(countTokens('hello world')).toBe(2);
  });

  it('stays within 2% on long unbroken strings (base64, URLs, a repeated letter)', () => {
    const base64 = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256)).toString('base64');
    const urls = Array.from({ length: 50 }, (_, i) => `https://example.com/a/b-${i}/tool-use.html?ref=x${i}#top`);
    for (const text of [base64, urls.join(' '), 'a'.repeat(2000)]) {
      const exact = uncut(text);
      expect(Math.abs(countTokens(text) - exact) / exact).toBeLessThan(0.02);
    }
  });

  it('takes time linear in the input on one 100k-character word and on 50k astral characters', () => {
    countTokens('warm up the encoder');
    // Linear: 100× the input costs ~100× the time; a quadratic tokenizer costs ~10,000× here.
    expect(costRatio(countTokens, 'a'.repeat(1000), 'a'.repeat(100_000))).toBeLessThan(1000);
    expect(costRatio(countTokens, '𝕏'.repeat(500), '𝕏'.repeat(50_000))).toBeLessThan(1000);
    expect(costRatio(countTokens, `x${' '.repeat(1000)}y`, `x${' '.repeat(100_000)}y`)).toBeLessThan(1000);
  });

  it('counts special-token text as text instead of throwing', () => {
    expect(countTokens('say <|endoftext|> now')).toBeGreaterThan(3);
  });
});

describe('estimateTokens', () => {
  // Measured on README.md and every docs page (each ×3, whole and in 700-character parts): errors
  // from −2.6% to +7.0% (docs/monitoring.md in parts); 5% held until tables and code grew in the docs.
  it('is exact within the budget and within 10% of the exact count beyond it, on every docs page', () => {
    expect(estimateTokens(['hello world', 'hello world'])).toBe(4);
    const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => join('docs', f))];
    let checked = 0;
    for (const page of pages) {
      const long = readFileSync(join(ROOT, page), 'utf8').repeat(3);
      if (long.length <= EXACT_TOKEN_BUDGET * 4) continue;
      checked++;
      const exact = uncut(long);
      expect(Math.abs(estimateTokens([long]) - exact) / exact, page).toBeLessThan(0.1);
      const parts = long.match(/[\s\S]{1,700}/g)!;
      expect(Math.abs(estimateTokens(parts) - exact) / exact, `${page} in parts`).toBeLessThan(0.1);
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it('does bounded work: a 1 MB hostile text costs about what the budget costs', () => {
    estimateTokens(['warm up']);
    const atBudget = '𝕏'.repeat(EXACT_TOKEN_BUDGET / 2);
    // Work does not grow with the input: 250× the input, at most a few times the time.
    expect(costRatio((s) => estimateTokens([s]), atBudget, '𝕏'.repeat(500_000))).toBeLessThan(20);
    expect(estimateTokens(['𝕏'.repeat(500_000)])).toBe(1_500_000); // 3 tokens each, uniform: exact
  });
});
