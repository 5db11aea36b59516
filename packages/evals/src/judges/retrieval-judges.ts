import { type RetrievalScores, scoreRetrieval } from '@ragops/rag';
import type { Judge, JudgeItem, JudgeVerdict } from './judge.ts';

/** The retrieval metrics, by the field of `RetrievalScores` each reports. */
export const RETRIEVAL_METRICS = ['recall', 'precision', 'mrr', 'ndcg'] as const;
export type RetrievalMetric = (typeof RETRIEVAL_METRICS)[number];

/**
 * Retrieval metric `metric@k` over the distinct document ids of the retrieved passages, in rank
 * order, against `reference_doc_ids` (one implementation with `bench:retrieval`:
 * `scoreRetrieval` in @ragops/rag). Applies when the row has reference document ids.
 */
export function createRetrievalJudge(metric: RetrievalMetric, k: number): Judge {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  return {
    name: `${metric}@${k}`,
    kind: 'retrieval',
    version: '1',
    applies: (item: JudgeItem) => (item.referenceDocIds ?? []).length > 0,
    judge: async (item): Promise<JudgeVerdict> => {
      const ranked = [...item.contexts].sort((a, b) => a.n - b.n).map((c) => c.documentId);
      const scores: RetrievalScores = scoreRetrieval(ranked, item.referenceDocIds ?? [], k);
      return { ok: true, score: scores[metric], raw: { ...scores, k } };
    },
  };
}
