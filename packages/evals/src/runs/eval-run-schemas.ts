import { z } from 'zod';
import { JUDGE_KINDS } from '../judges/judge.ts';

/** A judge as a run records it: what produced each score (prompt hash or algorithm version, model). */
export const runJudgeSchema = z.strictObject({
  name: z.string(),
  kind: z.enum(JUDGE_KINDS),
  version: z.string(),
  model: z.string().optional(),
});
export type RunJudge = z.infer<typeof runJudgeSchema>;

/** Mean with its 95% bootstrap interval over n scored rows. */
export const intervalSchema = z.strictObject({ mean: z.number(), low: z.number(), high: z.number(), n: z.number() });
export type Interval = z.infer<typeof intervalSchema>;

/** One metric of a run: overall, per tag, and how many rows errored or did not apply. */
export const metricAggregateSchema = z.strictObject({
  judge: z.string(),
  kind: z.enum(JUDGE_KINDS),
  overall: intervalSchema.nullable(),
  byTag: z.record(z.string(), intervalSchema),
  errors: z.number().int(),
  skipped: z.number().int(),
  /** With repeats > 1: mean per-row spread (max − min) between repeats; 0 = repeats agree. */
  repeatSpread: z.number().optional(),
});
export type MetricAggregate = z.infer<typeof metricAggregateSchema>;

export const runAggregatesSchema = z.strictObject({
  metrics: z.array(metricAggregateSchema),
  rows: z.strictObject({ total: z.number().int(), ok: z.number().int(), failed: z.number().int() }),
  latencyMs: z.strictObject({ p50: z.number().nullable(), p95: z.number().nullable() }),
  tokens: z.strictObject({ chainIn: z.number(), chainOut: z.number(), judgeIn: z.number(), judgeOut: z.number() }),
  /** USD of the chain's LLM calls; null when a model is unpriced. */
  costUsd: z.number().nullable(),
});
export type RunAggregates = z.infer<typeof runAggregatesSchema>;

export const EVAL_RUN_STATUSES = ['running', 'interrupted', 'completed', 'failed'] as const;
export type EvalRunStatus = (typeof EVAL_RUN_STATUSES)[number];

/** An eval run: the version it scored, the dataset (name + content hash, exact row ids) and judges. */
export type EvalRun = {
  id: string;
  /** As requested (`models:/c.s.m@champion`); `versionUri` is what it resolved to when the run began. */
  modelUri: string;
  modelName: string;
  modelVersion: number;
  versionUri: string;
  dataset: { name: string; contentHash: string; rowIds: string[] };
  judges: RunJudge[];
  repeats: number;
  status: EvalRunStatus;
  rowsTotal: number;
  rowsDone: number;
  aggregates: RunAggregates | null;
  error: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
};

/** One judge's result on one row: the score (mean of repeats) or why there is none. */
export const rowScoreSchema = z.strictObject({
  score: z.number().nullable(),
  /** Every repeat's verdict: score, rationale, raw verdict, or its error. */
  verdicts: z.array(
    z.union([
      z.strictObject({
        ok: z.literal(true),
        score: z.number(),
        rationale: z.string().optional(),
        raw: z.unknown().optional(),
        cached: z.boolean().optional(),
      }),
      z.strictObject({ ok: z.literal(false), error: z.string(), raw: z.unknown().optional() }),
    ]),
  ),
  /** The judge did not apply (e.g. correctness without a reference answer). */
  skipped: z.boolean().optional(),
});
export type RowScore = z.infer<typeof rowScoreSchema>;

export const retrievedSchema = z.array(
  z.strictObject({ n: z.number(), chunkId: z.string(), documentId: z.string(), score: z.number() }),
);

/** A scored dataset row of a run (committed once, with every judge's verdicts). */
export type EvalRunRow = {
  runId: string;
  rowId: string;
  /** Position in the dataset (rows are listed in dataset order). */
  seq: number;
  status: 'ok' | 'error';
  tags: string[];
  question: string;
  answer: string | null;
  retrieved: z.infer<typeof retrievedSchema>;
  scores: Record<string, RowScore>;
  error: { code: string; message: string } | null;
  latency: { totalMs: number; retrievalMs: number | null; generationMs: number | null; judgeMs: number };
  tokens: { in: number | null; out: number | null; judgeIn: number; judgeOut: number };
  costUsd: number | null;
  createdAt: string;
};
