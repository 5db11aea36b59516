/** Retrieval quality of one question: over the top-k distinct document ids a system returned. */
export type RetrievalScores = { recall: number; precision: number; mrr: number; ndcg: number };

/**
 * The first k distinct ids of a ranked list (chunks of one document count once), in rank order.
 * @example topKDistinct(['a', 'a', 'b', 'c'], 2) // ['a', 'b']
 */
export function topKDistinct(rankedIds: readonly string[], k: number): string[] {
  const seen = new Set<string>();
  for (const id of rankedIds) {
    if (seen.size >= k) break;
    seen.add(id);
  }
  return [...seen];
}

/**
 * recall@k = |top-k ∩ gold| / |gold|, precision@k = |top-k ∩ gold| / k, MRR@k = 1 / rank of the first
 * gold id in the top k (0 if none), over the top-k distinct ids (definitions of
 * shared/datasets/README.md). Precision divides by k even when fewer than k ids were returned.
 * nDCG@k uses binary relevance: DCG = Σ 1/log2(rank + 1) over gold ids in the top k, divided by the
 * DCG of an ideal list (min(k, |gold|) gold ids first).
 * Throws RangeError for k < 1 or an empty gold set (recall would be undefined).
 */
export function scoreRetrieval(rankedIds: readonly string[], goldIds: readonly string[], k: number): RetrievalScores {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  const gold = new Set(goldIds);
  if (gold.size === 0) throw new RangeError('a question needs at least one gold document id');
  const top = topKDistinct(rankedIds, k);
  const hits = top.filter((id) => gold.has(id)).length;
  const first = top.findIndex((id) => gold.has(id));
  let dcg = 0;
  for (let i = 0; i < top.length; i++) if (gold.has(top[i]!)) dcg += 1 / Math.log2(i + 2);
  let ideal = 0;
  for (let i = 0; i < Math.min(k, gold.size); i++) ideal += 1 / Math.log2(i + 2);
  return { recall: hits / gold.size, precision: hits / k, mrr: first < 0 ? 0 : 1 / (first + 1), ndcg: dcg / ideal };
}

/** The mean of each score over questions; all zeros for no questions. */
export function meanRetrievalScores(scores: readonly RetrievalScores[]): RetrievalScores {
  const n = scores.length;
  if (n === 0) return { recall: 0, precision: 0, mrr: 0, ndcg: 0 };
  const sum = (f: (s: RetrievalScores) => number) => scores.reduce((acc, s) => acc + f(s), 0) / n;
  return {
    recall: sum((s) => s.recall),
    precision: sum((s) => s.precision),
    mrr: sum((s) => s.mrr),
    ndcg: sum((s) => s.ndcg),
  };
}
