import { type FusedItem, fuseRankedLists } from './fuse-ranked-lists.ts';

/** One ranked list to fuse, best first, with its weight and a way to read an item's raw score. */
export type ScoredList<T> = { name: string; items: readonly T[]; weight: number; score: (item: T) => number };

/**
 * Convex combination of min-max normalised scores: score = Σ weight · (s − min) / (max − min), the
 * min and max taken over each list's candidates (an item absent from a list gets 0 from it; a list
 * whose scores are all equal gives each of its items 1). Bruch et al. (2023, "An Analysis of Fusion
 * Functions for Hybrid Retrieval") found it beats RRF and is robust to its one weight. It keeps how
 * much better the first hit is than the rest, which RRF discards: on corpora where BM25 is far
 * stronger than the hash embedder, RRF let the weaker list reorder BM25's confident hits
 * (bench/retrieval.ts: SciFact subset recall@3 RRF 0.811 vs convex 0.872; see RETRIEVAL_DEFAULTS).
 * Ties keep first-seen order. Scores must be "higher is better" (cosine similarity, BM25).
 */
export function convexFusion<T>(
  lists: readonly ScoredList<T>[],
  key: (item: T) => string,
  options: { limit: number },
): FusedItem<T>[] {
  return fuseRankedLists(lists, key, options.limit, (list) => {
    const scores = list.items.map(list.score);
    const max = Math.max(...scores);
    const min = Math.min(...scores);
    const span = max - min;
    return (i) => list.weight * (span > 0 && Number.isFinite(span) ? (scores[i]! - min) / span : 1);
  });
}
