import { isWordCharCode, normalizeToken } from '../text/analyze.ts';
import type { CallOptions, Embedder, EmbedResult } from './embedder.ts';
import { IntCountTable } from './int-count-table.ts';
import { TokenCache } from './token-cache.ts';

export type HashEmbedderOptions = {
  /** Vector length. Part of the index's identity. Default 1024. */
  dimensions?: number;
};

// Design, measured on anthropic-docs (vector mode alone, recall@3 / MRR@3, 1,000-char chunks; a
// scratch harness with the same chunker and scoring as bench/retrieval.ts): word + bigram + char
// trigram hashing 0.54/0.60; + stop words 0.64/0.72; + stemming 0.67/0.76; + sublinear tf
// 0.67/0.74 (hybrid MRR 0.87 → 0.90); + per-word normalised char grams 0.70/0.79; + title and
// source path in the indexed text 0.71/0.84. Without stop words: 0.62/0.72; without sublinear tf
// 0.68/0.78; without char grams 0.69/0.78 (char grams and sublinear tf also helped on SciFact and
// NegConstraint, see RETRIEVAL_DEFAULTS). Dimensions: 512 → 0.68/0.80, 1024 → 0.71/0.84,
// 2048 → 0.73/0.86 (fewer collisions) at 2× the storage and scan cost; hybrid moved < 0.01.
// A static idf prior from English word frequencies (SUBTLEX) was tried and dropped: it helped one
// corpus and hurt anthropic-docs (vector 0.71 → 0.62–0.70).
const DEFAULT_DIMENSIONS = 1024;
const UNIGRAM_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.5;
/** Total weight of a word's character trigrams: their squared norm is half the word's own. */
const CHAR_GRAMS_WEIGHT = Math.SQRT1_2;
const TERM_CACHE_MAX = 200_000;
const DROPPED = 0x3fffffff; // fits TokenCache's int32 value + 1

/** murmur3's 32-bit finaliser: spreads the bits of a cheap hash before taking a bucket and sign. */
function mix(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

function fnv1a(s: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A stemmed term's features, computed once per embedder: signed buckets as bucket*2 + sign bit. */
type TermFeatures = {
  hash: number;
  unigram: number;
  grams: Int32Array;
  gramWeight: number;
  /** Per-text tf bookkeeping: `count` is valid while `stamp` equals the embedder's current text. */
  stamp: number;
  count: number;
};

/**
 * Offline, deterministic embedder by signed feature hashing ("the hashing trick"), the embedded default.
 *
 * Text → lower-case word tokens → English stop words and one-letter tokens dropped → Porter stems.
 * Features: each term (weight 1), each pair of adjacent terms (0.5), and the character trigrams of
 * each term with boundary markers (together 1/√2, so a typo or an inflection the stemmer missed still
 * overlaps). Term frequencies are dampened (1 + ln tf) since a stateless embedder has no idf; the
 * vector is L2-normalised, so cosine = dot product. Hashing is FNV-1a + murmur3's finaliser, with the
 * sign from a hash bit so collisions cancel on average.
 *
 * Speed: a raw token is hashed while scanning char codes and looked up in a typed-array cache of its
 * term's features, so the common path allocates nothing per token.
 */
export class HashEmbedder implements Embedder {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'hash';
  /** Bump when the algorithm changes: it is part of an index's identity. */
  readonly modelId = 'hash-v2';
  readonly dimensions: number;
  readonly maxBatchSize = 2048;
  /** Raw token hash → index in #terms, or DROPPED. Emptied between texts once large. */
  readonly #tokenCache = new TokenCache();
  #terms: TermFeatures[] = [];
  #termIndex = new Map<string, number>();
  #stamp = 0;
  readonly #seen: TermFeatures[] = [];
  readonly #bigrams = new IntCountTable(1024);

  /** dimensions - 1 when a power of two (then h % dimensions = h & mask, without a float modulo), else -1. */
  readonly #mask: number;

  constructor(options: HashEmbedderOptions = {}) {
    const dimensions = options.dimensions ?? DEFAULT_DIMENSIONS;
    if (!Number.isInteger(dimensions) || dimensions < 8 || dimensions > 65_536) {
      throw new RangeError(`HashEmbedder dimensions must be an integer in [8, 65536], got ${dimensions}`);
    }
    this.dimensions = dimensions;
    this.#mask = (dimensions & (dimensions - 1)) === 0 ? dimensions - 1 : -1;
  }

  /** Bucket of an unsigned 32-bit hash. */
  #bucketOf(h: number): number {
    return this.#mask >= 0 ? h & this.#mask : h % this.dimensions;
  }

  async doEmbed(request: CallOptions & { values: readonly string[] }): Promise<EmbedResult> {
    request.abortSignal?.throwIfAborted();
    const embeddings = request.values.map((v) => toNumberArray(this.embedOne(v)));
    return { embeddings, warnings: [] };
  }

  /** Embeds one text synchronously into a new Float32Array (for callers that write Float32 columns). */
  embedOne(text: string): Float32Array {
    if (this.#tokenCache.size > TERM_CACHE_MAX) {
      // Only between texts: an embedding must not depend on what was embedded before.
      this.#tokenCache.clear();
      this.#terms = [];
      this.#termIndex = new Map();
    }
    const stamp = ++this.#stamp;
    const seen = this.#seen;
    const bigrams = this.#bigrams;
    seen.length = 0;
    bigrams.clear();
    // Lower-casing is folded into the scan (ASCII) and into the cache-miss path (the rest), which
    // saves copying every text.
    const s = text;
    const n = s.length;
    let prev: TermFeatures | undefined;
    let i = 0;
    while (i < n) {
      if (foldWordChar(s.charCodeAt(i)) === 0) {
        i++;
        continue;
      }
      const start = i;
      let h1 = 0x811c9dc5;
      let h2 = 0x3b9aca07;
      for (; i < n; i++) {
        const c = foldWordChar(s.charCodeAt(i));
        if (c === 0) break;
        h1 = Math.imul(h1 ^ c, 0x01000193);
        h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
      }
      let idx = this.#tokenCache.get(h1, h2);
      if (idx < 0) {
        idx = this.#termFor(s.slice(start, i).toLowerCase());
        this.#tokenCache.set(h1, h2, idx);
      }
      if (idx === DROPPED) continue; // a stop word does not break a bigram: "cost of caching" → "cost cach"
      const term = this.#terms[idx]!;
      if (term.stamp !== stamp) {
        term.stamp = stamp;
        term.count = 1;
        seen.push(term);
      } else {
        term.count++;
      }
      if (prev !== undefined) bigrams.increment(Math.imul(prev.hash, 0x9e3779b1) ^ term.hash);
      prev = term;
    }
    const vec = new Float32Array(this.dimensions);
    for (const term of seen) {
      const tf = 1 + Math.log(term.count);
      addSigned(vec, term.unigram, UNIGRAM_WEIGHT * tf);
      const w = term.gramWeight * tf;
      const grams = term.grams;
      for (let g = 0; g < grams.length; g++) addSigned(vec, grams[g]!, w);
    }
    bigrams.forEach((key, count) => {
      const h = mix(key ^ 0x2545f491);
      addSigned(vec, this.#bucketOf(h) * 2 + (h >>> 31), BIGRAM_WEIGHT * (1 + Math.log(count)));
    });
    normalize(vec);
    return vec;
  }

  /** The index in #terms of a raw token's term, or DROPPED for stop words and one-letter tokens. */
  #termFor(token: string): number {
    const term = normalizeToken(token);
    if (term === undefined) return DROPPED;
    const known = this.#termIndex.get(term);
    if (known !== undefined) return known;
    const signedBucket = (h: number) => this.#bucketOf(h) * 2 + (h >>> 31);
    const hash = fnv1a(term, 0x811c9dc5) | 0; // int32 keeps it a small integer for V8
    const marked = `^${term}$`;
    const grams = new Int32Array(Math.max(0, marked.length - 2));
    for (let g = 0; g < grams.length; g++) {
      const c0 = marked.charCodeAt(g);
      const c1 = marked.charCodeAt(g + 1);
      const c2 = marked.charCodeAt(g + 2);
      grams[g] = signedBucket(mix(Math.imul(Math.imul(c0 + 0x7f4a7c15, 0x01000193) ^ c1, 0x01000193) ^ c2));
    }
    const gramWeight = CHAR_GRAMS_WEIGHT / Math.sqrt(grams.length || 1);
    this.#terms.push({ hash, unigram: signedBucket(mix(hash)), grams, gramWeight, stamp: 0, count: 0 });
    this.#termIndex.set(term, this.#terms.length - 1);
    return this.#terms.length - 1;
  }
}

/** Float32Array → number[]; a plain loop is ~7× faster than Array.from here (measured, Node 24). */
function toNumberArray(vec: Float32Array): number[] {
  const out = new Array<number>(vec.length);
  for (let i = 0; i < vec.length; i++) out[i] = vec[i]!;
  return out;
}

/** ASCII code → its lower-case code if it is a word character, else 0: one lookup on the hot path. */
const ASCII_WORD_FOLD = (() => {
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    const lower = c >= 65 && c <= 90 ? c + 32 : c;
    table[c] = isWordCharCode(lower) ? lower : 0;
  }
  return table;
})();

/** A char code folded to lower case (ASCII only; the cache-miss path lower-cases the rest), or 0 if it splits words. */
function foldWordChar(c: number): number {
  if (c < 128) return ASCII_WORD_FOLD[c]!;
  return isWordCharCode(c) ? c : 0;
}

function addSigned(vec: Float32Array, signedBucket: number, w: number): void {
  vec[signedBucket >>> 1]! += (signedBucket & 1) === 1 ? -w : w;
}

function normalize(vec: Float32Array): void {
  let norm = 0;
  for (let d = 0; d < vec.length; d++) norm += vec[d]! * vec[d]!;
  if (norm === 0) return;
  const inv = 1 / Math.sqrt(norm);
  for (let d = 0; d < vec.length; d++) vec[d]! *= inv;
}
