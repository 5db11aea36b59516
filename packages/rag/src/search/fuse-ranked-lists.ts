export type FusedItem<T> = {
  item: T;
  /** The fused score: the sum of what each list the item appears in contributes. */
  score: number;
  /** Where the item ranked (1-based) in each list it appeared in. */
  ranks: Record<string, number>;
};

/**
 * The loop every fusion shares: items keyed across lists, each list adding `contribution(i)` (0-based
 * rank) once per item (duplicates within a list count once), best `limit` first, ties in first-seen
 * order. `contributionOf` is called once per list, so per-list work (normalisation) happens there.
 */
export function fuseRankedLists<T, L extends { name: string; items: readonly T[] }>(
  lists: readonly L[],
  key: (item: T) => string,
  limit: number,
  contributionOf: (list: L) => (rank: number) => number,
): FusedItem<T>[] {
  const byKey = new Map<string, FusedItem<T>>();
  for (const list of lists) {
    const contribution = contributionOf(list);
    list.items.forEach((item, i) => {
      const id = key(item);
      let fused = byKey.get(id);
      if (!fused) {
        fused = { item, score: 0, ranks: {} };
        byKey.set(id, fused);
      }
      if (fused.ranks[list.name] !== undefined) return;
      fused.ranks[list.name] = i + 1;
      fused.score += contribution(i);
    });
  }
  return [...byKey.values()].sort((a, b) => b.score - a.score).slice(0, limit);
}
