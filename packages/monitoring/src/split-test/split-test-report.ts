import {
  formatThreeLevelName,
  InvalidInputError,
  type MetadataStore,
  type Principal,
  parseInput,
  parseModelUri,
} from '@ragops/core';
import { feedbackStats, type MeanInterval, wilsonInterval } from '@ragops/evals';
import { z } from 'zod';
import { readableEndpoint } from '../access/readable-endpoint.ts';
import { readArmData, readJudgeMoments } from './arm-moments.ts';
import { type ArmMoments, proportionMoments } from './confidence-sequence.ts';
import { decideSplitTest, type SplitMetric, type SplitTestOutcome } from './split-test-decision.ts';
import { type SplitTestGateCriterion, splitTestGateCriterion } from './split-test-gate.ts';

const armName = z.string().min(1).max(63);
const splitTestQuerySchema = z.strictObject({
  endpoint: z.string().min(1).max(100),
  /** The arm serving the current holder … */
  control: armName,
  /** … and the arm of the version that would replace it. */
  candidate: armName,
  /** What decides: end-user or reviewer approval (feedback), or an online judge's mean score. */
  primary: z
    .union([
      z.enum(['end_user_approval', 'reviewer_approval']),
      z.string().regex(/^judge:[a-z][a-z0-9_@]{0,62}$/, 'judge:<online judge name>'),
    ])
    .default('judge:sentence_support'),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  alpha: z.number().gt(0).lt(0.5).default(0.05),
  /** Effect scale of the primary metric (approval or score points). */
  effectScale: z.number().positive().max(1).default(0.05),
  /** Guardrails, each on when given: how much slower / dearer per request the candidate may be. */
  latencyToleranceMs: z.number().nonnegative().max(600_000).optional(),
  costToleranceUsd: z.number().nonnegative().max(100).optional(),
  maxRows: z.number().int().min(1_000).max(1_000_000).default(200_000),
  /**
   * Only this model version's traffic, ratings and scores on an arm (the gate passes the candidate's
   * and the holder's): an arm's URI may have served another version earlier in the test.
   */
  versions: z
    .strictObject({
      control: z.number().int().positive().optional(),
      candidate: z.number().int().positive().optional(),
    })
    .optional(),
});
export type SplitTestQuery = z.input<typeof splitTestQuerySchema>;

/** One arm's quality, latency and cost, each with a 95% interval and its n (fixed-n, for display). */
export type ArmSummary = {
  arm: string;
  model: string;
  quality: MeanInterval | null;
  latencyMs: MeanInterval & { p50: number | null; p95: number | null };
  costUsd: MeanInterval | null;
  errorRate: MeanInterval | null;
};

/** The split test's answer: what to do with the candidate, why, the evidence; and the gate's view of it. */
export type SplitTestRecommendation = SplitTestOutcome & {
  endpoint: string;
  control: ArmSummary;
  candidate: ArmSummary;
  /** The rows read stopped at maxRows: latency and cost cover the first ones. */
  truncated: boolean;
  gateCriterion: SplitTestGateCriterion;
  evaluatedAt: string;
};

const Z95 = 1.959963984540054;
function normalInterval(m: ArmMoments): MeanInterval {
  const half = m.n > 1 ? Z95 * Math.sqrt(m.variance / m.n) : Number.POSITIVE_INFINITY;
  return { mean: m.mean, low: m.mean - half, high: m.mean + half, n: m.n };
}

/**
 * The split test of two arms of an endpoint: per-arm quality (approval or an online judge's score),
 * latency and cost with intervals, and the always-valid sequential decision (promote, roll back,
 * keep collecting; decideSplitTest), safe to evaluate as often as anyone likes. Needs READ on every
 * model the endpoint serves. Feedback is counted over the arm's whole history on the endpoint
 * (feedback has no request-time filter); latency, cost and judge scores over [since, until).
 * Throws NotFoundError (endpoint), PermissionDeniedError, InvalidInputError (unknown arm, bad query).
 * @example const rec = await splitTestReport({ store, actor }, { endpoint: 'docs', control: 'champion', candidate: 'challenger' })
 */
export async function splitTestReport(
  ctx: { store: MetadataStore; actor: Principal; now?: () => Date },
  query: SplitTestQuery,
): Promise<SplitTestRecommendation> {
  const q = parseInput(splitTestQuerySchema, query, 'split test');
  const endpoint = await readableEndpoint(ctx, q.endpoint);
  const modelOf = (arm: string, field: string) => {
    const entity = endpoint.config.served.find((e) => e.name === arm);
    if (!entity) {
      throw new InvalidInputError(
        `split test: ${field} "${arm}" is not an arm of endpoint "${q.endpoint}" (arms: ${endpoint.config.served.map((e) => e.name).join(', ')})`,
      );
    }
    return formatThreeLevelName(parseModelUri(entity.model).name);
  };
  const models = { control: modelOf(q.control, 'control'), candidate: modelOf(q.candidate, 'candidate') };
  const period = {
    ...(q.since && { since: new Date(q.since).toISOString() }),
    ...(q.until && { until: new Date(q.until).toISOString() }),
  };
  const versions = new Map<string, number>();
  if (q.versions?.control !== undefined) versions.set(q.control, q.versions.control);
  if (q.versions?.candidate !== undefined) versions.set(q.candidate, q.versions.candidate);
  const data = await readArmData(ctx.store, {
    endpoint: q.endpoint,
    arms: [q.control, q.candidate],
    maxRows: q.maxRows,
    versions,
    ...period,
  });
  const quality = await primaryMoments(ctx, q, models, period, versions);
  const guardrails: SplitMetric[] = [];
  const c = data.get(q.control)!;
  const k = data.get(q.candidate)!;
  if (q.latencyToleranceMs !== undefined) {
    guardrails.push({
      name: 'latency_ms',
      higherIsBetter: false,
      control: c.latencyMs,
      candidate: k.latencyMs,
      effectScale: 50,
      tolerance: q.latencyToleranceMs,
    });
  }
  if (q.costToleranceUsd !== undefined) {
    guardrails.push({
      name: 'cost_usd',
      higherIsBetter: false,
      control: c.costUsd,
      candidate: k.costUsd,
      effectScale: 0.001,
      tolerance: q.costToleranceUsd,
    });
  }
  const outcome = decideSplitTest({
    primary: {
      name: q.primary,
      higherIsBetter: true,
      control: quality.control,
      candidate: quality.candidate,
      effectScale: q.effectScale,
    },
    guardrails,
    alpha: q.alpha,
  });
  const summary = (arm: string, model: string, m: ArmMoments, d: typeof c): ArmSummary => ({
    arm,
    model,
    quality:
      m.n === 0
        ? null
        : q.primary.startsWith('judge:')
          ? normalInterval(m)
          : wilsonInterval(Math.round(m.mean * m.n), m.n),
    latencyMs: { ...normalInterval(d.latencyMs), p50: d.latencyMs.p50, p95: d.latencyMs.p95 },
    costUsd: d.costUsd.n === 0 ? null : normalInterval(d.costUsd),
    errorRate: d.errors.requests === 0 ? null : wilsonInterval(d.errors.errors, d.errors.requests),
  });
  return {
    ...outcome,
    endpoint: q.endpoint,
    control: summary(q.control, models.control, quality.control, c),
    candidate: summary(q.candidate, models.candidate, quality.candidate, k),
    truncated: c.truncated,
    gateCriterion: splitTestGateCriterion(outcome, q.endpoint),
    evaluatedAt: (ctx.now?.() ?? new Date()).toISOString(),
  };
}

async function primaryMoments(
  ctx: { store: MetadataStore; actor: Principal },
  q: z.output<typeof splitTestQuerySchema>,
  models: { control: string; candidate: string },
  period: { since?: string; until?: string },
  versions: ReadonlyMap<string, number>,
): Promise<{ control: ArmMoments; candidate: ArmMoments }> {
  if (q.primary.startsWith('judge:')) {
    const byArm = await readJudgeMoments(ctx.store, {
      endpoint: q.endpoint,
      judge: q.primary.slice('judge:'.length),
      versions,
      ...period,
    });
    const empty = { n: 0, mean: 0, variance: 0 };
    return { control: byArm.get(q.control) ?? empty, candidate: byArm.get(q.candidate) ?? empty };
  }
  const source = q.primary === 'end_user_approval' ? 'end_user' : 'reviewer';
  const approval = async (arm: string, modelName: string) => {
    const version = versions.get(arm);
    const stats = await feedbackStats(ctx, {
      modelName,
      endpoint: q.endpoint,
      arm,
      source,
      ...(version !== undefined && { version }),
    });
    const a = stats.approval;
    return a ? proportionMoments(Math.round(a.mean * a.n), a.n) : proportionMoments(0, 0);
  };
  return {
    control: await approval(q.control, models.control),
    candidate: await approval(q.candidate, models.candidate),
  };
}
