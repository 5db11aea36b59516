import { z } from 'zod';
import { threeLevelNameSchema } from '../names/three-level-name.ts';
import { aliasNameProblem } from '../registry/registry-rules.ts';
import { endpointNameSchema, entityNameSchema } from '../serving/endpoint-schemas.ts';

/** Run-level metrics a floor may name besides a judge's name (`token_f1`, `recall@5`, `groundedness`, …). */
export const RUN_METRICS = ['error_rate', 'p95_latency_ms', 'cost_per_request_usd'] as const;

const metricName = z
  .string()
  .regex(/^[a-z][a-z0-9_@.-]{0,62}$/, 'a judge name (token_f1, recall@5, …) or a run metric');
const datasetName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'a dataset name: evals/<name>.jsonl');

/** A floor (`min`) or a ceiling (`max`) on one metric; exactly one. */
export const metricBoundSchema = z
  .strictObject({ min: z.number().finite().optional(), max: z.number().finite().optional() })
  .refine((b) => (b.min === undefined) !== (b.max === undefined), 'give exactly one of min or max');
export type MetricBound = z.infer<typeof metricBoundSchema>;

/**
 * The gate of one alias of one model (`gates: { <model>: { <alias>: … } }` in ragops.yaml). Every
 * criterion must pass for the alias to move; a criterion left out is not checked.
 */
export const gatePolicySchema = z.strictObject({
  /** Datasets the candidate must be evaluated on, at each dataset's current content hash. */
  datasets: z.array(datasetName).min(1).max(16),
  /** Judges `ragops promote --run-missing` runs on candidate and holder alike: give retrieval metrics an explicit @k. */
  judges: z.string().min(1).max(500).default('heuristics,recall@5'),
  /** Bounds on the candidate's metrics, on every required dataset (mean of the run). */
  floors: z.record(metricName, metricBoundSchema).default({}),
  /**
   * No regression against the alias's current holder on the same dataset hash: the paired bootstrap
   * interval of candidate − holder per row. Blocks when the whole interval is below 0 AND the mean
   * drop exceeds `margin` (bench:gate measures this rule's false blocks and power).
   */
  noRegression: z
    .strictObject({
      metrics: z.array(metricName).min(1).max(32),
      margin: z.number().min(0).max(1).default(0.01),
      confidence: z.number().gt(0.5).lt(1).default(0.95),
    })
    .optional(),
  /** Human evidence: reviewer labels on the candidate and a floor on their approval rate. */
  human: z
    .strictObject({ minLabels: z.number().int().min(1).max(100_000), minApproval: z.number().min(0).max(1) })
    .optional(),
  /**
   * Live evidence: the split test of two arms of a serving endpoint (monitoring's always-valid
   * sequential test) must say "promote"; "roll back" fails, "keep collecting" is missing evidence.
   * The candidate arm must serve the candidate version. The app supplies the criterion (evals does
   * not read monitoring).
   */
  splitTest: z
    .strictObject({
      endpoint: endpointNameSchema,
      /** The arm serving the alias's current holder … */
      control: entityNameSchema.default('champion'),
      /** … and the arm serving the version being promoted. */
      candidate: entityNameSchema.default('challenger'),
      metric: z
        .string()
        .regex(
          /^(end_user_approval|reviewer_approval|judge:[a-z][a-z0-9_@]{0,62})$/,
          'judge:<online judge name>, end_user_approval or reviewer_approval',
        )
        .default('judge:sentence_support'),
      /** The test's fixed start (the decision is valid under repeated looks only with a fixed start). */
      since: z.iso.datetime({ offset: true }).optional(),
      alpha: z.number().gt(0).lt(0.5).default(0.05),
      latencyToleranceMs: z.number().nonnegative().max(600_000).optional(),
      costToleranceUsd: z.number().nonnegative().max(100).optional(),
    })
    .optional(),
});
export type SplitTestPolicy = NonNullable<GatePolicy['splitTest']>;
export type GatePolicy = z.infer<typeof gatePolicySchema>;

const aliasKey = z.string().superRefine((alias, ctx) => {
  const problem = aliasNameProblem(alias);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** `gates:` of ragops.yaml: model (catalog.schema.model) → alias → policy. */
export const gatesSpecSchema = z.record(z.string(), z.record(aliasKey, gatePolicySchema)).superRefine((gates, ctx) => {
  for (const name of Object.keys(gates)) {
    const parsed = threeLevelNameSchema.safeParse(name);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', path: [name], message: parsed.error.issues.map((i) => i.message).join('; ') });
    }
  }
});
export type GatesSpec = z.infer<typeof gatesSpecSchema>;
