/** One ranked list to fuse, best first, with its weight. */
export type RankedList<T> = { name: string; items: readonly T[]; weight: number };

export type FusedItem<T> = {
  item: T;
  /** sum over lists of weight / (k + rank), rank 1-based. */
  score: number;
  /** Where the item ranked (1-based) in each list it appeared in. */
  ranks: Record<string, number>;
};

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
  const byKey = new Map<string, FusedItem<T>>();
  for (const list of lists) {
    list.items.forEach((item, i) => {
      const id = key(item);
      let fused = byKey.get(id);
      if (!fused) {
        fused = { item, score: 0, ranks: {} };
        byKey.set(id, fused);
      }
      if (fused.ranks[list.name] !== undefined) return; // duplicates within a list count once
      fused.ranks[list.name] = i + 1;
      fused.score += list.weight / (options.k + i + 1);
    });
  }
  return [...byKey.values()].sort((a, b) => b.score - a.score).slice(0, options.limit);
}
