// @ragops/evals: datasets, judges (LLM and heuristic), eval runs and their store migrations.
// Explicit named exports only (STYLE.md §1).

/** One dataset row (`evals/<name>.jsonl`), zod-checked, and the question it asks. */
export { type EvalRow, evalRowQuestion, evalRowSchema } from './datasets/eval-row.ts';
/** Datasets: bounded, line-checked loading (errors name file:line), versions by content hash, listing. */
export {
  DATASET_LIMITS,
  type EvalDataset,
  type EvalDatasetSummary,
  evalDatasetPath,
  listEvalDatasets,
  loadEvalDataset,
  parseEvalDataset,
} from './datasets/load-eval-dataset.ts';
/** Judges by name or group (`heuristics`, `retrieval`, `offline`); unknown names are refused. */
export {
  type CreateJudgesSpec,
  createJudges,
  HEURISTIC_JUDGE_NAMES,
  JUDGE_GROUPS,
} from './judges/create-judges.ts';
/** Offline judges against the reference answer: token F1 and ROUGE-L over analysed terms. */
export { createRougeLJudge, createTokenF1Judge } from './judges/heuristic/reference-judges.ts';
/** Offline judges against the retrieved passages: sentence support and citation validity by term overlap. */
export { createCitationValidityJudge, createSentenceSupportJudge } from './judges/heuristic/support-judges.ts';
/** The judge contract runs are written against: items, verdicts (an error is never a score), the cache. */
export {
  JUDGE_KINDS,
  type Judge,
  type JudgeContext,
  type JudgeItem,
  type JudgeKind,
  type JudgeUsage,
  type JudgeVerdict,
  type VerdictCache,
} from './judges/judge.ts';
/** Retrieval metrics as judges: recall@k, precision@k, MRR@k, nDCG@k (shared with bench:retrieval). */
export { createRetrievalJudge, RETRIEVAL_METRICS, type RetrievalMetric } from './judges/retrieval-judges.ts';
/** Statistics: seeded percentile-bootstrap intervals of a mean, paired B − A differences, per tag. */
export { aggregateByTag, type TaggedAggregate } from './stats/aggregate-by-tag.ts';
export {
  type BootstrapOptions,
  bootstrapMeanInterval,
  type MeanInterval,
  pairedBootstrapDiff,
} from './stats/bootstrap.ts';
