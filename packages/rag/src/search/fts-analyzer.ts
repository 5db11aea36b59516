import { createRequire } from 'node:module';
import { RETRIEVAL_DEFAULTS } from './retrieval-defaults.ts';

/** The full-text analysis options we build LanceDB's index with (RETRIEVAL_DEFAULTS.fts). */
export type FtsConfig = typeof RETRIEVAL_DEFAULTS.fts;

// Porter2 (Snowball English), the algorithm of LanceDB's `stem` (tantivy's Stemmer → rust-stemmers).
// CommonJS without types: one function.
const porter2 = createRequire(import.meta.url)('wink-porter2-stemmer') as (word: string) => string;

/**
 * tantivy's English stop words (Lucene's list), which LanceDB removes AFTER stemming: the order of
 * its filters is remove-long, lower-case, stem, stop words, ASCII folding
 * (lance-index scalar/inverted/tokenizer.rs, InvertedIndexParams::build).
 */
const STOP_WORDS = new Set(
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'.split(
    ' ',
  ),
);

/** LanceDB's default max_token_length: tokens of this many UTF-8 bytes or more are dropped. */
const MAX_TOKEN_BYTES = 40;
/** tantivy's SimpleTokenizer: runs of Rust `char::is_alphanumeric` (Alphabetic or Numeric). */
const SIMPLE_TOKEN = /[\p{Alphabetic}\p{N}]+/gu;
const WHITESPACE_TOKEN = /\S+/gu;
const STEM_CACHE_MAX = 100_000;
const stems = new Map<string, string>();

/** True when this module analyses text as LanceDB would for `config` (else use LanceDB's own search). */
export function supportsFtsConfig(config: FtsConfig): boolean {
  return config.language === 'English' && !config.withPosition;
}

/**
 * The terms LanceDB's full-text index makes of `text` for `config`, in order (duplicates kept), so
 * that an in-memory BM25 (bm25-index.ts) scores exactly what LanceDB's index scores. Checked against
 * LanceDB on the docs corpus by bm25-index.test.ts.
 * @example ftsTerms('How does prompt caching work?') // ['how', 'doe', 'prompt', 'cach', 'work']
 */
export function ftsTerms(text: string, config: FtsConfig = RETRIEVAL_DEFAULTS.fts): string[] {
  const raw =
    config.baseTokenizer === 'raw'
      ? [text]
      : (text.match(config.baseTokenizer === 'whitespace' ? WHITESPACE_TOKEN : SIMPLE_TOKEN) ?? []);
  const terms: string[] = [];
  for (let token of raw) {
    // A UTF-16 unit is at most 3 UTF-8 bytes (a surrogate pair 4 for 2): count bytes only when it matters.
    if (token.length * 3 >= MAX_TOKEN_BYTES && Buffer.byteLength(token) >= MAX_TOKEN_BYTES) continue;
    if (config.lowercase) token = token.toLowerCase();
    if (config.stem) token = stem(token);
    if (config.removeStopWords && STOP_WORDS.has(token)) continue;
    if (config.asciiFolding) token = foldToAscii(token);
    terms.push(token);
  }
  return terms;
}

function stem(word: string): string {
  let s = stems.get(word);
  if (s === undefined) {
    // wink marks a consonant y as the digit 3 and turns every 3 back into y at the end, so a real 3
    // ("gpt3", "2023") would come out as y: stand it in for a control character instead (also a
    // non-vowel to the algorithm, as the digit is).
    s = word.includes('3') ? porter2(word.replaceAll('3', '\x01')).replaceAll('\x01', '3') : porter2(word);
    if (stems.size >= STEM_CACHE_MAX) stems.clear();
    stems.set(word, s);
  }
  return s;
}

const NOT_ASCII = /[^ -~\t\n\r]/; // not printable ASCII (cheap pre-check: foldToAscii keeps ASCII as is)
const COMBINING_MARKS = /\p{M}/gu;
/** Latin letters without a decomposition that Lucene's ASCIIFoldingFilter still folds. */
const FOLD_SPECIAL: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  ø: 'o',
  Ø: 'O',
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ð: 'd',
  Ð: 'D',
  þ: 'th',
  Þ: 'TH',
  ı: 'i',
};

/**
 * ASCII folding of Latin letters (é → e, ß → ss): canonical decomposition without the combining
 * marks, plus the letters above. Hand-written because the filter is tantivy's (Lucene's table of
 * ~1,000 code points): this covers the Latin-1, Latin Extended and Latin Extended Additional
 * letters text in European languages uses; other scripts are kept as they are, as Lucene keeps them.
 */
function foldToAscii(token: string): string {
  if (!NOT_ASCII.test(token)) return token;
  let out = '';
  for (const ch of token) {
    const c = ch.codePointAt(0)!;
    const latin = (c >= 0xc0 && c <= 0x24f) || (c >= 0x1e00 && c <= 0x1eff);
    out += !latin ? ch : (FOLD_SPECIAL[ch] ?? ch.normalize('NFD').replace(COMBINING_MARKS, ''));
  }
  return out;
}
