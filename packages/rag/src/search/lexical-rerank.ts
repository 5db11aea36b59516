import { analyzeText, forEachWord, normalizeToken } from '../text/analyze.ts';
import type { FusedItem } from './fuse-ranked-lists.ts';

export type LexicalRerankOptions = {
  /** How many of the best fused items are re-scored; the rest keep their order below them. */
  depth: number;
  /** Weight of the normalised lexical score next to the normalised fused score (which weighs 1). */
  weight: number;
  /** Weight of a matched pair of adjacent query terms, relative to a matched single term. */
  bigramWeight: number;
};

const K1 = 1.2;
const B = 0.75;
/**
 * Query terms of at least this many characters also match inside a longer word of a chunk
 * (`path` in `abspath`, `context` in `entercontext`): shorter ones (`get`, `set`, `is`) occur inside
 * too many words by chance. 3 measured the same as 4 on every set (±0.001), 5 lost
 * python-stdlib-code 0.007 recall@5 and 0.004 MRR@10.
 */
const PARTIAL_MIN_TERM = 4;
/**
 * Characters of chunk text whose analysed terms are kept: a pinned version's chunks recur across
 * queries. Bounded by characters, not entries, because the cache holds its keys: texts read from
 * LanceDB per query are new strings, and a spec's chunk `size` has no upper bound. An entry counts
 * its text and its distinct long words (at most the text's length again; measured +21% on
 * anthropic-docs, +23% python-stdlib-code, +49% hpo-definitions), so ~4,000 chunks of ~1,000
 * characters fit, ≤ ~14 MB with the arrays. A text whose entry is over the bound is not cached.
 */
const TERMS_CACHE_MAX_CHARS = 5_000_000;

/** A text's analysis, as the reranker keeps it. */
type AnalysedText = {
  /** Its analysed terms in order (duplicates kept), hashed. */
  hashes: Uint32Array;
  /**
   * Its distinct lower-cased words longer than PARTIAL_MIN_TERM that analyse to a term, each after a
   * NUL (`\0abspath\0normpath`): one native indexOf per long query term finds the words containing it.
   */
  words: string;
  /** Where each word starts in `words`... */
  wordStarts: Uint32Array;
  /** ...the hash of the term each analyses to, and how often each occurs. */
  wordTerms: Uint32Array;
  wordCounts: Uint32Array;
  /** Which words hold which character trigrams (TrigramIndex): the candidates for a long query term. */
  trigrams: TrigramIndex;
  /** What it counts for against TERMS_CACHE_MAX_CHARS. */
  chars: number;
};
const termsCache = new Map<string, AnalysedText>();
let termsCacheChars = 0;

/** What the terms cache holds now (for tests of its bound). */
export function lexicalTermsCacheSize(): { entries: number; chars: number } {
  return { entries: termsCache.size, chars: termsCacheChars };
}

/** FNV-1a of a term: the reranker compares terms by 32-bit hash (a collision only adds a little noise). */
function hashTerm(term: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) h = Math.imul(h ^ term.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * One pass over a text: its terms exactly as analyzeText makes them (hashed), and its distinct long
 * words with the term each became, for matches of a query term inside a word.
 */
function analyse(text: string): AnalysedText {
  const hashes: number[] = [];
  const words = new Map<string, number>(); // word → its index in wordTerms / wordCounts
  const wordTerms: number[] = [];
  const wordCounts: number[] = [];
  forEachWord(text, (word) => {
    const term = normalizeToken(word);
    if (term === undefined) return;
    const hash = hashTerm(term);
    hashes.push(hash);
    if (word.length <= PARTIAL_MIN_TERM) return;
    const w = words.get(word);
    if (w !== undefined) wordCounts[w]!++;
    else {
      words.set(word, wordTerms.length);
      wordTerms.push(hash);
      wordCounts.push(1);
    }
  });
  const wordStarts = new Uint32Array(words.size);
  let at = 1;
  let w = 0;
  for (const word of words.keys()) {
    wordStarts[w++] = at;
    at += word.length + 1;
  }
  const joined = words.size > 0 ? `\0${[...words.keys()].join('\0')}` : '';
  const trigrams = trigramIndex(joined, wordStarts);
  return {
    hashes: Uint32Array.from(hashes),
    words: joined,
    wordStarts,
    wordTerms: Uint32Array.from(wordTerms),
    wordCounts: Uint32Array.from(wordCounts),
    trigrams,
    // Characters, and the typed arrays' bytes as characters (2 bytes each).
    chars: text.length + joined.length + hashes.length * 2 + (trigrams.starts.length + trigrams.words.length) * 2,
  };
}

/**
 * A text's analysis, cached by text. Analysis (tokenising, stemming) is most of the reranker's
 * cost: 30 chunks of ~1,000 characters took ~2.3 ms a query uncached (anthropic-docs, loaded 2-core
 * machine), and the chunks of a pinned version come back query after query.
 */
function trigramHash(s: string, i: number): number {
  return (
    (Math.imul(s.charCodeAt(i), 0x9e3779b1) ^ Math.imul(s.charCodeAt(i + 1), 0x85ebca6b) ^ s.charCodeAt(i + 2)) >>> 0
  );
}

/**
 * The words of a text holding each character trigram, by trigram hash bucket (CSR: `words` from
 * `starts[b]` to `starts[b + 1]`, each word once per bucket). Every word containing a query term
 * holds each of its trigrams, so the term's smallest bucket lists all of them (and a few others,
 * which a check of the word drops): a few short checks instead of an indexOf over all of the text's
 * words, which was most of the reranker's time (a candidate chunk usually holds the query's own
 * words, so a filter that could only rule a chunk out, the Bloom filter this replaced, seldom did).
 */
type TrigramIndex = { starts: Uint32Array; words: Uint32Array };

function trigramIndex(words: string, wordStarts: Uint32Array): TrigramIndex {
  const bucketOf: number[] = [];
  const wordOf: number[] = [];
  for (let w = 0; w < wordStarts.length; w++) {
    const end = w + 1 < wordStarts.length ? wordStarts[w + 1]! - 1 : words.length;
    for (let i = wordStarts[w]!; i + 3 <= end; i++) {
      bucketOf.push(trigramHash(words, i));
      wordOf.push(w);
    }
  }
  let buckets = 16;
  while (buckets < bucketOf.length) buckets *= 2;
  const mask = buckets - 1;
  const starts = new Uint32Array(buckets + 1);
  const last = new Int32Array(buckets).fill(-1);
  const keep = new Uint8Array(bucketOf.length);
  for (let e = 0; e < bucketOf.length; e++) {
    const b = bucketOf[e]! & mask;
    if (last[b] === wordOf[e]) continue; // a word's entries come together: its repeats in a bucket are adjacent
    last[b] = wordOf[e]!;
    keep[e] = 1;
    starts[b + 1]!++;
  }
  for (let b = 0; b < buckets; b++) starts[b + 1]! += starts[b]!;
  const list = new Uint32Array(starts[buckets]!);
  const fill = starts.slice(0, buckets);
  for (let e = 0; e < bucketOf.length; e++) if (keep[e]) list[fill[bucketOf[e]! & mask]!++] = wordOf[e]!;
  return { starts, words: list };
}

/** A term's trigram hashes (a term of ≥ PARTIAL_MIN_TERM characters has ≥ 2). */
function trigramHashes(term: string): Uint32Array {
  const hashes = new Uint32Array(Math.max(0, term.length - 2));
  for (let i = 0; i + 2 < term.length; i++) hashes[i] = trigramHash(term, i);
  return hashes;
}

function analysed(text: string): AnalysedText {
  let entry = termsCache.get(text);
  if (!entry) {
    entry = analyse(text);
    if (entry.chars > TERMS_CACHE_MAX_CHARS) return entry;
    for (const [oldest, old] of termsCache) {
      if (termsCacheChars + entry.chars <= TERMS_CACHE_MAX_CHARS) break;
      termsCache.delete(oldest);
      termsCacheChars -= old.chars;
    }
    termsCache.set(text, entry);
    termsCacheChars += entry.chars;
  }
  return entry;
}

/** The query's distinct terms (hash → index, and the long ones' text) and adjacent pairs. */
/** Words of the query-term bit filter (32 bits each): 1,024 bits for a few dozen terms. */
const QUERY_FILTER_WORDS = 32;
const QUERY_FILTER_MASK = QUERY_FILTER_WORDS - 1;

type QueryTerms = {
  termIndex: ReadonlyMap<number, number>;
  /** Bit (h & 31) of word ((h >>> 5) & mask) set for every query term hash h. */
  filter: Uint32Array;
  pairIndex: ReadonlyMap<number, number>;
  termCount: number;
  /** Terms of at least PARTIAL_MIN_TERM characters, with their hash and index, for matches inside words. */
  long: readonly { term: string; hash: number; index: number; trigrams: Uint32Array }[];
};

/**
 * How often each query term and each adjacent query-term pair occurs in a text, and its length.
 * A long query term also counts once for each occurrence of a word that contains it but analyses to
 * another term (`path` in `abspath`, `cache` in `cacheable`, `context` in `enterContext`): the
 * sub-words of identifiers that the tokenizer cannot split (compounds, camelCase) and derivations
 * the stemmer does not merge.
 */
function queryTermCounts(doc: AnalysedText, query: QueryTerms, tf: Float64Array): { tf: Float64Array; length: number } {
  const { termIndex, pairIndex, termCount, filter } = query;
  const hashes = doc.hashes;
  let prev = -1;
  for (let i = 0; i < hashes.length; i++) {
    const h = hashes[i]!;
    // Most of a chunk's terms are not query terms: a bit test rules them out before the map.
    if ((filter[(h >>> 5) & QUERY_FILTER_MASK]! & (1 << (h & 31))) === 0) {
      prev = -1;
      continue;
    }
    const t = termIndex.get(h) ?? -1;
    if (t >= 0) {
      tf[t]!++;
      if (prev >= 0) {
        const p = pairIndex.get(prev * termCount + t);
        if (p !== undefined) tf[termCount + p]!++;
      }
    }
    prev = t;
  }
  const { words, wordStarts, wordTerms, wordCounts } = doc;
  const { starts, words: bucketWords } = doc.trigrams;
  const mask = starts.length - 2;
  for (const { term, hash, index, trigrams } of query.long) {
    // The term's smallest trigram bucket: every word containing the term is in it.
    let from = 0;
    let to = Number.MAX_SAFE_INTEGER;
    for (let i = 0; i < trigrams.length && to > from; i++) {
      const b = trigrams[i]! & mask;
      if (starts[b + 1]! - starts[b]! < to - from) {
        from = starts[b]!;
        to = starts[b + 1]!;
      }
    }
    for (let e = from; e < to; e++) {
      const w = bucketWords[e]!;
      // Whole-word matches, and words that analyse to the term itself, were counted above.
      if (wordTerms[w] === hash) continue;
      const start = wordStarts[w]!;
      const end = w + 1 < wordStarts.length ? wordStarts[w + 1]! - 1 : words.length;
      if (end - start <= term.length) continue;
      for (let at = start; at + term.length <= end; at++) {
        if (words.startsWith(term, at)) {
          tf[index]! += wordCounts[w]!;
          break;
        }
      }
    }
  }
  return { tf, length: hashes.length };
}

function minMax(values: readonly number[]): number[] {
  const max = Math.max(...values);
  const min = Math.min(...values);
  const span = max - min;
  return values.map((v) => (span > 0 && Number.isFinite(span) ? (v - min) / span : 1));
}

/**
 * The offline reranking stage of hybrid retrieval: the best `depth` fused items are re-scored by
 * their min-max normalised fused score plus `weight` × a min-max normalised BM25 of the query's
 * terms AND adjacent term pairs in each item's text, with document frequencies taken over those
 * items. The pairs reward the query's phrases ("prompt caching", "rate limit"), which neither the
 * full-text index (no positions) nor the hash embedder's bag of features ranks on; the local
 * frequencies weigh a term by how well it separates the candidates, not the whole corpus. A query
 * term of 4+ characters also counts inside longer words (`path` in `abspath`; queryTermCounts),
 * which is what lifts code, where identifiers glue words together.
 * Measured with bench:retrieval on five public sets and the repo's sample (recall@5 / MRR@10,
 * fused lists alone → reranked, depth 30, weight 0.2, pairs 1): anthropic-docs 0.844/0.928 →
 * 0.838/0.934, python-faq 0.719/0.533 → 0.719/0.551, hpo-definitions 0.763/0.652 → 0.770/0.658,
 * python-stdlib-code 0.500/0.391 → 0.527/0.399, wordnet-glosses 0.313/0.243 → 0.330/0.248. Small
 * gains (each within its set's interval alone), but in the same direction on five of six sets.
 * Matching inside words moved python-stdlib-code from 0.520/0.387 to 0.527/0.399 (the default's
 * MRR@10 interval over plain BM25 from [−0.008, +0.041] to [+0.003, +0.052]) and every other set
 * by ≤ 0.004. Tried and left out, each within ±0.01 of this on every set or worse on the prose
 * sets: depth 20–50, weight 0.15–0.5, pairs 0.5, k1 0.9–1.5 / b 0.4–0.9; the terms of ftsTerms
 * (Porter2 and Lucene's short stop list, as the full-text index) instead of analyzeText (code MRR@10
 * +0.006, python-faq −0.010, anthropic-docs recall@5 −0.005); camelCase splitting on top of the
 * matches inside words (same); an idf-weighted query-term coverage bonus; scoring a document's
 * candidate chunks together (python-faq MRR@10 −0.010); a chunk's first line (a signature or heading)
 * as a boosted field (code MRR@10 +0.006, wordnet-glosses and anthropic-docs recall@5 −0.003/−0.005);
 * abbreviations (`str` for `string`); RRF of the fused and lexical orders instead of the weighted
 * sum (anthropic-docs MRR@10 −0.007 to −0.021). Boosting title and heading terms measured the same
 * or lower (python-faq MRR@10 −0.004).
 * Cost, warm terms cache (a pinned version), CPU per query over 30 candidates: 0.17 → 0.24 ms
 * (anthropic-docs), 0.10 → 0.18 ms (hpo-definitions) with the matches inside words; first sight of
 * a chunk 0.52 → 0.76 ms a query's worth (2-core machine, load average 2.2). A trigram filter
 * and the query-term bit filter then took anthropic-docs to 0.13 ms CPU (bench:query's
 * lexical-rerank row, p50 0.17 → 0.10 ms, load 2.3), rankings identical on every set of
 * bench:retrieval. The trigram index that replaced the filter (AnalysedText.trigrams) took a
 * rerank of anthropic-docs' 40 fused candidates from 73–78 to 51–60 µs CPU (best of 7, warm cache,
 * load 1.7), rankings and scores identical on all 100 questions. Tried and reverted: per-chunk hash
 * tables of term and pair counts instead of the sequential pass over `hashes` (−13% warm, but +15%
 * CPU per request in bench:serving's 200 rps bursts: random probes into 30 tables miss the cache
 * where the pass streams).
 * Returns new items (score = the reranked score for the first `depth`, then the rest below them).
 * Ties keep fused order. Deterministic: no model, no network.
 */
export function lexicalRerank<T>(
  query: string,
  fused: readonly FusedItem<T>[],
  text: (item: T) => string,
  options: LexicalRerankOptions,
): FusedItem<T>[] {
  const queryTerms = analyzeText(query);
  const head = fused.slice(0, options.depth);
  if (queryTerms.length === 0 || head.length < 2) return [...fused];
  const hashes = queryTerms.map(hashTerm);
  const termIndex = new Map<number, number>();
  for (const h of hashes) if (!termIndex.has(h)) termIndex.set(h, termIndex.size);
  const termCount = termIndex.size;
  const pairIndex = new Map<number, number>();
  for (let i = 1; i < hashes.length; i++) {
    const key = termIndex.get(hashes[i - 1]!)! * termCount + termIndex.get(hashes[i]!)!;
    if (!pairIndex.has(key)) pairIndex.set(key, pairIndex.size);
  }
  const long = [...new Set(queryTerms)]
    .filter((term) => term.length >= PARTIAL_MIN_TERM)
    .map((term) => ({
      term,
      hash: hashTerm(term),
      index: termIndex.get(hashTerm(term))!,
      trigrams: trigramHashes(term),
    }));
  const filter = new Uint32Array(QUERY_FILTER_WORDS);
  for (const h of termIndex.keys()) filter[(h >>> 5) & QUERY_FILTER_MASK]! |= 1 << (h & 31);
  const terms: QueryTerms = { termIndex, filter, pairIndex, termCount, long };
  // One buffer for every chunk's counts: a typed array per chunk was a visible share of the time.
  const width = termCount + pairIndex.size;
  const counts = new Float64Array(head.length * width);
  const docs = head.map((f, i) =>
    queryTermCounts(analysed(text(f.item)), terms, counts.subarray(i * width, (i + 1) * width)),
  );
  const n = docs.length;
  const averageLength = Math.max(1, docs.reduce((sum, d) => sum + d.length, 0) / n);
  const weights = Array.from({ length: termCount + pairIndex.size }, (_, j) =>
    j < termCount ? 1 : options.bigramWeight,
  );
  const idf = weights.map((_, j) => {
    const df = docs.filter((d) => d.tf[j]! > 0).length;
    return df === 0 ? 0 : Math.log(1 + (n - df + 0.5) / (df + 0.5));
  });
  const bm25 = (d: (typeof docs)[number]) => {
    let sum = 0;
    for (let j = 0; j < weights.length; j++) {
      const f = d.tf[j]!;
      if (f > 0) sum += (weights[j]! * idf[j]! * f * (K1 + 1)) / (f + K1 * (1 - B + (B * d.length) / averageLength));
    }
    return sum;
  };
  const lexical = minMax(docs.map(bm25));
  // The head's min-max scaling applies to the tail too: its items score ≤ 0 ≤ every head item.
  const max = Math.max(...head.map((f) => f.score));
  const min = Math.min(...head.map((f) => f.score));
  const scale = (score: number) => (max > min ? (score - min) / (max - min) : score - min + 1);
  const reranked = head
    .map((f, i) => ({ f: { ...f, score: scale(f.score) + options.weight * lexical[i]! }, i }))
    .sort((a, b) => b.f.score - a.f.score || a.i - b.i)
    .map(({ f }) => f);
  const tail = fused.slice(options.depth).map((f) => ({ ...f, score: Math.min(0, scale(f.score)) }));
  return [...reranked, ...tail];
}
