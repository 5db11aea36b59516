import { analyzeText } from '../text/analyze.ts';
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
 * Characters of chunk text whose analysed terms are kept: a pinned version's chunks recur across
 * queries. Bounded by characters, not entries, because the cache holds its keys: texts read from
 * LanceDB per query are new strings, and a spec's chunk `size` has no upper bound (5,000 chunks of
 * ~1,000 characters fit; ≤ ~13 MB with the hashes). A text longer than the bound is not cached.
 */
const TERMS_CACHE_MAX_CHARS = 5_000_000;
const termsCache = new Map<string, Uint32Array>();
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
 * A text's analysed terms, hashed, cached by text. Analysis (tokenising, stemming) is most of the
 * reranker's cost: 30 chunks of ~1,000 characters took ~2.3 ms a query uncached (anthropic-docs,
 * loaded 2-core machine), and the chunks of a pinned version come back query after query.
 */
function termHashes(text: string): Uint32Array {
  let hashes = termsCache.get(text);
  if (!hashes) {
    hashes = Uint32Array.from(analyzeText(text), hashTerm);
    if (text.length > TERMS_CACHE_MAX_CHARS) return hashes;
    for (const oldest of termsCache.keys()) {
      if (termsCacheChars + text.length <= TERMS_CACHE_MAX_CHARS) break;
      termsCache.delete(oldest);
      termsCacheChars -= oldest.length;
    }
    termsCache.set(text, hashes);
    termsCacheChars += text.length;
  }
  return hashes;
}

/** How often each query term and each adjacent query-term pair occurs in a text, and its length. */
function queryTermCounts(
  hashes: Uint32Array,
  termIndex: ReadonlyMap<number, number>,
  pairIndex: ReadonlyMap<number, number>,
  termCount: number,
): { tf: Float64Array; length: number } {
  const tf = new Float64Array(termCount + pairIndex.size);
  let prev = -1;
  for (let i = 0; i < hashes.length; i++) {
    const t = termIndex.get(hashes[i]!) ?? -1;
    if (t >= 0) {
      tf[t]!++;
      if (prev >= 0) {
        const p = pairIndex.get(prev * termCount + t);
        if (p !== undefined) tf[termCount + p]!++;
      }
    }
    prev = t;
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
 * frequencies weigh a term by how well it separates the candidates, not the whole corpus.
 * Measured with bench:retrieval on five public sets and the repo's sample (recall@5 / MRR@10,
 * fused lists alone → reranked, depth 30, weight 0.2, pairs 1): anthropic-docs 0.844/0.928 →
 * 0.839/0.934, python-faq 0.719/0.533 → 0.719/0.551, hpo-definitions 0.763/0.652 → 0.770/0.657,
 * python-stdlib-code 0.500/0.391 → 0.520/0.387, wordnet-glosses 0.313/0.243 → 0.333/0.244. Small
 * gains (each within its set's interval alone), but in the same direction on five of six sets;
 * depth 20–50 and weight 0.2–0.3 moved no set by more than 0.015. Boosting title and heading terms
 * as well measured the same or lower (python-faq MRR@10 −0.004), so it is left out.
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
  const docs = head.map((f) => queryTermCounts(termHashes(text(f.item)), termIndex, pairIndex, termCount));
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
