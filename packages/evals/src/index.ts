// @ragops/evals: datasets, judges (LLM and heuristic), eval runs and their store migrations.
// Explicit named exports only (STYLE.md §1).

/** Agreement of two raters on the same items: Cohen's κ (nominal) and quadratic-weighted κ (ordinal). */
export { cohenKappa, quadraticWeightedKappa } from './calibration/agreement.ts';
/** The stored judge calibrations, as the promotion gate reads them. */
export { readJudgeCalibrations } from './calibration/calibration-store.ts';
/** Judge calibration: each judge's agreement with reviewers (κ or weighted κ, bootstrap interval, n), stored. */
export {
  type JudgeCalibration,
  type JudgeCalibrationOptions,
  judgeCalibration,
} from './calibration/judge-calibration.ts';
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
/** Reviewed items as eval dataset rows (corrected answers as references) or chat-format fine-tuning lines. */
export { type ExportFeedbackOptions, exportFeedback, type FeedbackExport } from './feedback/export-feedback.ts';
/** The criteria reviewers label (the LLM judges' names, on their 0–1 scale) and which criterion a judge estimates. */
export {
  CRITERION_NAMES,
  type CriterionName,
  criterionOfJudge,
  FEEDBACK_CRITERIA,
  type FeedbackCriterion,
} from './feedback/feedback-criteria.ts';
/** Feedback shapes: targets (inference row or eval row), ratings, labels, bounded text; end-user and reviewer sources. */
export {
  approvalOf,
  FEEDBACK_LIMITS,
  FEEDBACK_SOURCES,
  type Feedback,
  type FeedbackFilter,
  type FeedbackInput,
  type FeedbackRevision,
  type FeedbackSource,
  type FeedbackTarget,
  feedbackFilterSchema,
  feedbackInputSchema,
  feedbackTargetSchema,
  type Rating,
  ratingSchema,
  requestIdSchema,
  targetKey,
} from './feedback/feedback-schemas.ts';
/** Human feedback: submitted (idempotent per item × author, every revision kept, audited), listed, its history. */
export { type FeedbackContext, feedbackHistory, listFeedback, submitFeedback } from './feedback/feedback-service.ts';
/** Feedback on served requests as the metric tables count it (no authorization: the refresher reads all). */
export { type FeedbackSignal, inferenceFeedbackSignals } from './feedback/feedback-signals.ts';
/** Aggregates of ONE feedback source per model version × endpoint × arm: approval (Wilson 95%), label means. */
export {
  type FeedbackAggregate,
  type FeedbackGroup,
  type FeedbackStats,
  type FeedbackStatsQuery,
  feedbackStats,
} from './feedback/feedback-stats.ts';
/** Feedback over time: per source × model version × endpoint, per UTC day, approval with a Wilson interval. */
export {
  type FeedbackDay,
  type FeedbackSeries,
  type FeedbackTimelineQuery,
  feedbackTimeline,
} from './feedback/feedback-timeline.ts';
/** Passage texts from pinned index versions, READ on the index checked (console pages, export). */
export { indexPassageLookup } from './feedback/index-passages.ts';
/** One item to review (question, answer, cited passages) by its target; passage texts through a lookup. */
export {
  getReviewItem,
  type PassageLookup,
  type ReviewItem,
  type ReviewPassage,
} from './feedback/review-item.ts';
/** The review queue: a seeded stratified sample to label, without judge verdicts. */
export { type ReviewQueueQuery, reviewQueue } from './feedback/review-queue.ts';
/** Judge verdicts on an item, shown to a reviewer only after labelling it. */
export { type ReviewVerdict, reviewVerdicts } from './feedback/review-verdicts.ts';
/** Wilson score interval of a proportion. */
export { wilsonInterval } from './feedback/wilson-interval.ts';
/** The promotion gate: policy evaluation (decision tables), promote, forced overrides, the decision log. */
export {
  evaluateGate,
  type GateEvidence,
  type HumanEvidence,
  type JudgeCalibrationLookup,
  type RunEvidence,
} from './gate/evaluate-gate.ts';
/** Criteria the app computes from evidence evals does not read (monitoring's split test). */
export type { ExternalCriteria, ExternalCriteriaRequest, ExternalEvidence } from './gate/external-criteria.ts';
export {
  CRITERION_VERDICTS,
  type CriterionVerdict,
  DECISION_OUTCOMES,
  type DecisionOutcome,
  type GateCriterion,
  type GateDecision,
} from './gate/gate-decision.ts';
export { getGateDecision, listGateDecisions } from './gate/gate-decisions.ts';
export { gateMigrationSet } from './gate/gate-migrations.ts';
export {
  findAliasHolder,
  forceAliasMove,
  GATE_DECISION_LINK,
  type PromoteOptions,
  promote,
} from './gate/promote.ts';
/** The promotion gate's no-regression test and its error rates for a sample size (bench:gate). */
export {
  normalCdf,
  type RegressionRule,
  type RegressionVerdict,
  regressionErrorRates,
  regressionVerdict,
  sampleSd,
} from './gate/regression-rule.ts';
/** The gate's human evidence and judge calibration, read from the feedback module's tables. */
export { storedGateEvidence } from './gate/stored-gate-evidence.ts';
export { syncGates } from './gate/sync-gates.ts';
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
/** `ragops pipeline run`: rebuild → register (or copy) → evaluate → challenger → champion, each step idempotent. */
export { findCopyOf, findVersionByContent, versionContentKey } from './pipeline/find-version.ts';
export { CATALOG_ORDER, type PipelineOptions } from './pipeline/pipeline-options.ts';
export {
  PIPELINE_STEPS,
  type PipelineOutcome,
  type PipelineReport,
  type PipelineStep,
  type PipelineStepName,
  type PipelineStepStatus,
} from './pipeline/pipeline-report.ts';
export { runPipeline } from './pipeline/run-pipeline.ts';
/**
 * The promptfoo bridge: promptfoo as a library with the model version (through the chain host) as
 * its provider, results stored as an eval run; promptfoo itself is imported only when a run starts.
 */
export { guardOutboundFetch, isLoopbackHost, type OutboundGuard, promptfooEnv } from './promptfoo/outbound-guard.ts';
export {
  loadPromptfooConfig,
  type PromptfooAssertion,
  type PromptfooConfig,
  promptfooConfigSchema,
} from './promptfoo/promptfoo-config.ts';
export {
  type ChainCallMetadata,
  chainProvider,
  inBandError,
  languageModelProvider,
  type PromptfooProvider,
  type PromptfooResponse,
} from './promptfoo/promptfoo-provider.ts';
export {
  PROMPTFOO_VERSION,
  type PromptfooEvalOptions,
  promptfooJudges,
  runPromptfooEval,
} from './promptfoo/run-promptfoo-eval.ts';
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
/** The seeded uniform generator behind every resampling (benches reuse it). */
export { seededRandom } from './stats/seeded-random.ts';
/** The evals module's store migrations, and every module's sets for apps opening a store. */
export { evalsMigrationSet } from './store/evals-migrations.ts';
export { allMigrationSets } from './store/migration-sets.ts';
/** The judge verdict cache on the metadata store. */
export { StoreVerdictCache } from './store/store-verdict-cache.ts';
