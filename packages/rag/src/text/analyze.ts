import { stemmer } from 'stemmer';
import { ENGLISH_STOP_WORDS } from './stop-words.ts';

/**
 * True for characters that belong to a word: ASCII letters and digits, and non-ASCII letters roughly
 * (Latin-1 letters and everything from U+0100 on, except general punctuation, arrows, maths, box
 * drawing, CJK punctuation and surrogates). Cheaper than a Unicode regex on the embedding hot path.
 * Expects lower-cased input.
 */
export function isWordCharCode(c: number): boolean {
  if (c < 0x80) return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
  if (c < 0xc0) return false;
  if (c === 0xd7 || c === 0xf7) return false;
  if (c >= 0x2000 && c <= 0x2bff) return false;
  if (c >= 0x3000 && c <= 0x303f) return false;
  if (c >= 0xd800 && c <= 0xdfff) return false;
  if (c >= 0xfe00 && c <= 0xfe6f) return false;
  if (c >= 0xff00 && c <= 0xff20) return false;
  return true;
}

/** Tokens shorter than this are dropped unless numeric ("s" of "Claude's", "t" of "don't"). */
const MIN_WORD_LENGTH = 2;
const STEM_CACHE_MAX = 100_000;
const stemCache = new Map<string, string>();

/** Porter stem (the `stemmer` package), memoised: a corpus has a small vocabulary. */
export function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    if (stemCache.size >= STEM_CACHE_MAX) stemCache.clear();
    s = stemmer(word);
    stemCache.set(word, s);
  }
  return s;
}

/**
 * The term a raw (lower-cased) token becomes, or undefined when it is dropped (stop word, too short).
 * The single definition the hash embedder and anything else that needs "our" terms share.
 */
export function normalizeToken(token: string): string | undefined {
  if (token.length < MIN_WORD_LENGTH && !(token.charCodeAt(0) >= 48 && token.charCodeAt(0) <= 57)) return undefined;
  if (ENGLISH_STOP_WORDS.has(token)) return undefined;
  return stem(token);
}

/** Calls `visit` with each lower-cased word of `text` (a run of word characters), in order. */
export function forEachWord(text: string, visit: (word: string) => void): void {
  const s = text.toLowerCase();
  let i = 0;
  while (i < s.length) {
    if (!isWordCharCode(s.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < s.length && isWordCharCode(s.charCodeAt(i))) i++;
    visit(s.slice(start, i));
  }
}

/**
 * Splits text into analysed terms: lower-case, split on non-word characters, drop stop words and
 * one-letter tokens, Porter-stem.
 * @example analyzeText("How does prompt caching work?") // ['prompt', 'cach', 'work']
 */
export function analyzeText(text: string): string[] {
  const terms: string[] = [];
  forEachWord(text, (word) => {
    const term = normalizeToken(word);
    if (term !== undefined) terms.push(term);
  });
  return terms;
}
