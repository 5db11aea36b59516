import { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';

// Byte-pair merging is quadratic in the length of one pre-token ("word") in every JS tokenizer we
// tried: js-tiktoken 16,000 × `a` 16 s, gpt-tokenizer 100,000 × `a` 34 s. Runs of one character
// class longer than this many UTF-8 bytes are therefore counted in pieces, so no pre-token exceeds
// it: 100,000 × `a` then takes ~13 ms. Measured against the uncut count (token-length.test.ts): the
// same on prose, code, URLs and base64 of this repository's docs, +0.04% on README + docs/indexes.md.
const MAX_RUN_BYTES = 32;

/** Classes whose runs bound cl100k's pre-tokens: a pre-token lies within one run, plus at most one leading character. */
const SPACE = 0;
const WORD = 1;
const PUNCT = 2;

function charClass(c: number): number {
  if (c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a)) return SPACE;
  if (c < 0x80) return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) ? WORD : PUNCT;
  return WORD; // non-ASCII: letters mostly; a wrong guess only moves a cut, never the count's bound
}

/** UTF-8 bytes of one UTF-16 code unit (a surrogate pair is 4 bytes, 2 per half). */
function utf8Bytes(c: number): number {
  return c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 2 : 3;
}

/**
 * Offsets where `text` must be cut so that no run of one class is longer than MAX_RUN_BYTES.
 * One pass, O(n). Never cuts between the halves of a surrogate pair.
 */
function cutPoints(text: string): number[] {
  const cuts: number[] = [];
  let runClass = -1;
  let runBytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const k = charClass(c);
    if (k !== runClass) {
      runClass = k;
      runBytes = 0;
    }
    const bytes = utf8Bytes(c);
    const lowSurrogate = c >= 0xdc00 && c <= 0xdfff;
    if (runBytes + bytes > MAX_RUN_BYTES && !lowSurrogate) {
      cuts.push(i);
      runBytes = 0;
    }
    runBytes += bytes;
  }
  return cuts;
}

// Special tokens (`<|endoftext|>`) in user text are counted as text, never refused.
const AS_TEXT = { disallowedSpecial: new Set<string>() };

function encodedLength(text: string): number {
  return countCl100k(text, AS_TEXT);
}

/**
 * Token count with the cl100k_base encoding, from the ranks that ship with gpt-tokenizer (LangChain's
 * TokenTextSplitter would fetch them over the network; this never does). Linear time on any input:
 * long runs without a class change are counted in pieces (see MAX_RUN_BYTES), which is exact on
 * ordinary text and may differ by a token per cut on long unbroken strings. Work grows with the
 * input (~0.2 µs per character of prose); where a bound on work matters more than exactness
 * (serving), use estimateTokens.
 * @example countTokens('hello world') // 2
 */
export function countTokens(text: string): number {
  const cuts = cutPoints(text);
  if (cuts.length === 0) return encodedLength(text);
  let total = 0;
  let start = 0;
  for (const cut of cuts) {
    total += encodedLength(text.slice(start, cut));
    start = cut;
  }
  return total + encodedLength(text.slice(start));
}

/** Code units counted exactly by estimateTokens; beyond, it samples. Under 1 ms of work at worst (measured). */
export const EXACT_TOKEN_BUDGET = 4096;
const SAMPLES = 8;

/**
 * Total tokens of several texts with bounded work, for usage accounting on the request path: exact
 * (countTokens) while the texts together have at most EXACT_TOKEN_BUDGET code units; beyond that,
 * SAMPLES windows spread evenly over the texts are counted exactly and the tokens per code unit
 * they show are extrapolated to the whole. Measured error on this repository's docs: 1.3%.
 * No call costs more than counting EXACT_TOKEN_BUDGET code units, whatever the input size.
 * @example estimateTokens(messages.map((m) => m.content))
 */
export function estimateTokens(texts: readonly string[]): number {
  let length = 0;
  for (const t of texts) length += t.length;
  if (length <= EXACT_TOKEN_BUDGET) return texts.reduce((sum, t) => sum + countTokens(t), 0);
  const window = Math.floor(EXACT_TOKEN_BUDGET / SAMPLES);
  let sampledUnits = 0;
  let sampledTokens = 0;
  // Window i starts at offset (i + 0.5) · length / SAMPLES of the texts laid end to end.
  let textIndex = 0;
  let textStart = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const at = Math.floor(((i + 0.5) * length) / SAMPLES);
    while (textStart + texts[textIndex]!.length <= at) textStart += texts[textIndex++]!.length;
    const text = texts[textIndex]!;
    const from = Math.max(0, Math.min(at - textStart, text.length - window));
    const sample = text.slice(from, from + window);
    sampledUnits += sample.length;
    sampledTokens += countTokens(sample);
  }
  return Math.round((sampledTokens / sampledUnits) * length);
}
