import { describe, expect, it } from 'vitest';
import { analyzeText, isWordCharCode, normalizeToken } from './analyze.ts';

describe('analyzeText', () => {
  it('lower-cases, splits on non-word characters, drops stop words and Porter-stems', () => {
    expect(analyzeText('How does Prompt-Caching work?')).toEqual(['prompt', 'cach', 'work']);
    expect(analyzeText('The models were running quickly')).toEqual(['model', 'run', 'quickli']);
  });

  it("drops one-letter tokens but keeps digits (Claude's, 3 models)", () => {
    expect(analyzeText("Claude's 3 models")).toEqual(['claud', '3', 'model']);
  });

  it('keeps non-ASCII letters together and splits on typographic punctuation', () => {
    expect(analyzeText('naïve café—über')).toEqual(['naïv', 'café', 'über']);
  });

  it('gives nothing for empty or stop-word-only text', () => {
    expect(analyzeText('')).toEqual([]);
    expect(analyzeText('and the of')).toEqual([]);
  });
});

describe('normalizeToken / isWordCharCode', () => {
  it('normalizes one lower-cased token', () => {
    expect(normalizeToken('caching')).toBe('cach');
    expect(normalizeToken('the')).toBeUndefined();
    expect(normalizeToken('s')).toBeUndefined();
    expect(normalizeToken('7')).toBe('7');
  });

  it('classifies characters', () => {
    expect(['a', 'z', '0', 'é', 'ж', '中'].every((c) => isWordCharCode(c.charCodeAt(0)))).toBe(true);
    expect([' ', '-', '’', '—', '。', 'A'].some((c) => isWordCharCode(c.charCodeAt(0)))).toBe(false);
  });
});
