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
/** The promotion gate's no-regression test and its error rates for a sample size (bench:gate). */
export {
  normalCdf,
  type RegressionRule,
  type RegressionVerdict,
  regressionErrorRates,
  regressionVerdict,
  sampleSd,
} from './gate/regression-rule.ts';
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
  type JudgeOptions,
  type JudgeUsage,
  type JudgeVerdict,
  type VerdictCache,
} from './judges/judge.ts';
/** The judge model of a run (`provider/model`), built by the chain host from the configured providers. */
export { judgeModelSchema, resolveJudgeModel } from './judges/judge-model.ts';
/** Judge prompts (`prompts/judges/*.md`), versioned by content hash like answer prompts. */
export { DEFAULT_JUDGE_PROMPTS_DIR, loadJudgePrompt } from './judges/llm/judge-prompts.ts';
/** LLM-as-judge over any LanguageModel: prompts in prompts/judges/, JSON verdicts parsed with zod, retried when malformed. */
export { createLlmJudge, JUDGE_SEED, MAX_VERDICT_ATTEMPTS, renderJudgeInput } from './judges/llm/llm-judge.ts';
export {
  LLM_JUDGE_NAMES,
  LLM_JUDGES,
  type LlmJudgeDefinition,
  type LlmJudgeName,
} from './judges/llm/llm-judge-definitions.ts';
/** The verdict cache key (prompt hash, judge model, item content hash, repeat) and an in-memory cache. */
export { InMemoryVerdictCache, verdictCacheKey } from './judges/llm/verdict-cache.ts';
/** `--repeats N`: N verdicts of one judge folded into a score and the agreement between repeats. */
export {
  aggregateVerdicts,
  agreementOf,
  judgeRepeatedly,
  type RepeatedVerdict,
} from './judges/repeat-verdicts.ts';
/** Retrieval metrics as judges: recall@k, precision@k, MRR@k, nDCG@k (shared with bench:retrieval). */
export { createRetrievalJudge, RETRIEVAL_METRICS, type RetrievalMetric } from './judges/retrieval-judges.ts';
/** Per-metric aggregates of a run (mean, 95% bootstrap interval, n; per tag). */
export { AGGREGATE_BOOTSTRAP, aggregateRun } from './runs/aggregate-run.ts';
/** Paired comparison of two runs: B − A per row with the paired bootstrap interval, rows changed most. */
export {
  type ChangedRow,
  compareEvalRuns,
  type EvalRunComparison,
  type MetricComparison,
} from './runs/compare-eval-runs.ts';
/** What a run stores: the run (version, dataset hash, judges), its rows and aggregates. */
export {
  EVAL_RUN_STATUSES,
  type EvalRun,
  type EvalRunRow,
  type EvalRunStatus,
  type Interval,
  type MetricAggregate,
  type RowScore,
  type RunAggregates,
  type RunJudge,
} from './runs/eval-run-schemas.ts';
/** Eval runs: created against a pinned version (EXECUTE), read with READ, linked in lineage. */
export {
  allRunRows,
  authorizeEvalRunExecution,
  createEvalRun,
  EVAL_RUN_LINK,
  type EvalContext,
  getEvalRun,
  listEvalRunRows,
  listEvalRuns,
  runJudgeOf,
} from './runs/eval-run-service.ts';
/** The resumable runner: chain host → judges → one committed row at a time → aggregates. */
export { type EvalProgress, type RunEvalOptions, runEval } from './runs/run-eval.ts';
/** Statistics: seeded percentile-bootstrap intervals of a mean, paired B − A differences, per tag. */
export { aggregateByTag, type TaggedAggregate } from './stats/aggregate-by-tag.ts';
export {
  type BootstrapOptions,
  bootstrapMeanInterval,
  type MeanInterval,
  pairedBootstrapDiff,
} from './stats/bootstrap.ts';
/** The evals module's store migrations, and every module's sets for apps opening a store. */
export { evalsMigrationSet } from './store/evals-migrations.ts';
export { allMigrationSets } from './store/migration-sets.ts';
/** The judge verdict cache on the metadata store. */
export { StoreVerdictCache } from './store/store-verdict-cache.ts';
