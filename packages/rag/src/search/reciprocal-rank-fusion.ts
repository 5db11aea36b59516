import { type FusedItem, fuseRankedLists } from './fuse-ranked-lists.ts';

/** One ranked list to fuse, best first, with its weight. */
export type RankedList<T> = { name: string; items: readonly T[]; weight: number };

/**
 * Weighted reciprocal-rank fusion (Cormack et al. 2009): score = Σ weight / (k + rank). Written here
 * rather than LanceDB's RRFReranker because that one has no per-list weights and only fuses its own
 * vector+FTS query, while we also want the ranks per list in the result. Ties keep first-seen order.
 */
export function reciprocalRankFusion<T>(
  lists: readonly RankedList<T>[],
  key: (item: T) => string,
  options: { k: number; limit: number },
): FusedItem<T>[] {
  return fuseRankedLists(lists, key, options.limit, (list) => (i) => list.weight / (options.k + i + 1));
}
