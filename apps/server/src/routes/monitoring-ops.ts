import { createRoute, z } from '@hono/zod-openapi';
import { DRIFT_METRICS, driftReport, listAlerts, splitTestReport } from '@ragops/monitoring';
import type { AppContext, RagopsApp } from '../app-context.ts';
import { API_BASE } from './api-base.ts';
import { BEARER, COMMON_ERRORS, endpointName, jsonResponse, pageQuery, readContext } from './route-helpers.ts';

const tags = ['monitoring'];
const params = z.strictObject({
  name: endpointName('docs-qa', 'the serving endpoint'),
});
const isoTime = (description: string) => z.iso.datetime({ offset: true }).optional().openapi({ description });
// Query strings arrive as text: coerced and bounded here (the package checks again, as for the CLI).
// Paged as every list route is (pageSize ≤ 1000, default 200 here; pageToken from nextPageToken).
const driftQuery = pageQuery.extend({
  metric: z.enum(DRIFT_METRICS).optional().openapi({ description: 'only this drift metric' }),
  since: isoTime('only results whose current window ends after this time'),
});
const alertsQuery = z.strictObject({
  state: z.enum(['ok', 'firing']).optional(),
  events: z.coerce.number().int().min(0).max(1000).optional().openapi({ description: 'history rows (default 50)' }),
});
const armName = (description: string) => z.string().min(1).max(63).openapi({ description });
const splitTestQuery = z.strictObject({
  control: armName('the arm serving the current holder'),
  candidate: armName('the arm of the version under test'),
  primary: z
    .string()
    .regex(
      /^(end_user_approval|reviewer_approval|judge:[a-z][a-z0-9_@]{0,62})$/,
      'judge:<name>, end_user_approval or reviewer_approval',
    )
    .optional()
    .openapi({ description: 'what decides (default judge:sentence_support)' }),
  since: isoTime("the test's start: keep it fixed between looks, or the decision is not valid"),
  until: isoTime('the end of the period read'),
  alpha: z.coerce.number().gt(0).lt(0.5).optional(),
  effectScale: z.coerce.number().positive().max(1).optional(),
  latencyToleranceMs: z.coerce.number().nonnegative().max(600_000).optional(),
  costToleranceUsd: z.coerce.number().nonnegative().max(100).optional(),
});

const interval = z.object({ mean: z.number(), low: z.number(), high: z.number(), n: z.number().int() });
// The stored shapes are zod-checked where they are read (the monitoring store); documented loosely here.
const DriftResultSchema = z
  .object({
    metric: z.enum(DRIFT_METRICS),
    comparison: z.enum(['baseline', 'previous']),
    modelVersion: z.number().int(),
    n: z.object({ current: z.number().int(), reference: z.number().int() }),
    statistic: z.number().nullable(),
    threshold: z.number().nullable(),
    pValue: z.number().nullable(),
    verdict: z.enum(['drift', 'stable', 'insufficient']),
  })
  .loose()
  .openapi('DriftResult');
const AlertsSchema = z
  .object({
    alerts: z.array(z.object({ rule: z.string(), series: z.string(), state: z.enum(['ok', 'firing']) }).loose()),
    events: z.array(
      z.object({ rule: z.string(), state: z.enum(['firing', 'resolved']), createdAt: z.string() }).loose(),
    ),
  })
  .openapi('AlertsView');
const ArmSchema = z
  .object({ arm: z.string(), model: z.string(), quality: interval.nullable(), latencyMs: interval.loose() })
  .loose()
  .openapi('SplitTestArm');
const SplitTestSchema = z
  .object({
    decision: z.enum(['promote', 'roll_back', 'keep_collecting']),
    reasons: z.array(z.string()),
    primary: z.object({ metric: z.string(), diff: z.number(), low: z.number(), high: z.number() }).loose(),
    control: ArmSchema,
    candidate: ArmSchema,
    gateCriterion: z.object({ criterion: z.string(), verdict: z.string() }).loose(),
  })
  .loose()
  .openapi('SplitTestRecommendation');

const common = { method: 'get', tags, security: BEARER } as const;
const base = `${API_BASE}/monitoring/endpoints/{name}`;

const drift = createRoute({
  ...common,
  path: `${base}/drift`,
  summary:
    "An endpoint's stored drift results, newest window first, a page at a time: test statistic, p-value, its threshold α and n per side (needs READ on the models it serves)",
  request: { params, query: driftQuery },
  responses: {
    200: jsonResponse(
      'drift results',
      z
        .object({
          endpoint: z.string(),
          results: z.array(DriftResultSchema),
          nextPageToken: z.string().optional().openapi({ description: 'absent on the last page' }),
        })
        .openapi('DriftReport'),
    ),
    ...COMMON_ERRORS,
  },
});
const alerts = createRoute({
  ...common,
  path: `${base}/alerts`,
  summary:
    "An endpoint's alert state per rule × series and its history (fired / resolved, delivery), newest first (needs READ)",
  request: { params, query: alertsQuery },
  responses: { 200: jsonResponse('alert state and history', AlertsSchema), ...COMMON_ERRORS },
});
const splitTest = createRoute({
  ...common,
  path: `${base}/split-test`,
  summary:
    'Two arms of an endpoint: per-arm quality, latency and cost with 95% intervals and n, and the always-valid sequential recommendation (promote, roll_back, keep_collecting) with its interval (needs READ)',
  request: { params, query: splitTestQuery },
  responses: { 200: jsonResponse('the recommendation and its evidence', SplitTestSchema), ...COMMON_ERRORS },
});

/** GET /api/v1/monitoring/endpoints/{name}/drift|alerts|split-test: monitoring's read functions over REST. */
export function registerMonitoringOpsRoutes(app: RagopsApp, ctx: AppContext): void {
  app.openapi(drift, async (c) => {
    const { name } = c.req.valid('param');
    const { items, nextPageToken } = await driftReport(readContext(c, ctx), {
      ...c.req.valid('query'),
      endpoint: name,
    });
    return c.json({ endpoint: name, results: items, ...(nextPageToken && { nextPageToken }) }, 200);
  });
  app.openapi(alerts, async (c) => {
    const { name } = c.req.valid('param');
    return c.json(await listAlerts(readContext(c, ctx), { ...c.req.valid('query'), endpoint: name }), 200);
  });
  app.openapi(splitTest, async (c) => {
    const { name } = c.req.valid('param');
    return c.json(await splitTestReport(readContext(c, ctx), { ...c.req.valid('query'), endpoint: name }), 200);
  });
}
