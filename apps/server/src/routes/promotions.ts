import { createRoute, z } from '@hono/zod-openapi';
import { aliasNameProblem, formatModelUri, parseThreeLevelName } from '@ragops/core';
import { evalDatasetPath, listGateDecisions, loadEvalDataset, promote, storedGateEvidence } from '@ragops/evals';
import { splitTestGateEvidence } from '@ragops/monitoring';
import type { AppContext, RagopsApp } from '../app-context.ts';
import { API_BASE } from './api-base.ts';
import { modelNameParams } from './models.ts';
import {
  BEARER,
  COMMON_ERRORS,
  jsonBody,
  jsonResponse,
  pageQuery,
  pageSchema,
  readContext,
  serviceContext,
} from './route-helpers.ts';

const tags = ['promotions'];

const aliasName = z
  .string()
  .min(1)
  .max(64)
  .superRefine((alias, ctx) => {
    const problem = aliasNameProblem(alias);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .openapi({ example: 'champion' });

const newPromotion = z
  .strictObject({
    version: z.number().int().positive().openapi({ description: 'the candidate version' }),
    alias: aliasName,
    reason: z.string().max(2000).optional(),
  })
  .openapi('NewPromotion');

// The stored shape is zod-checked where it is read (the gate's store); documented loosely here.
const Decision = z
  .object({
    id: z.string(),
    model: z.string(),
    alias: z.string(),
    candidateVersion: z.number().int(),
    holderVersion: z.number().int().nullable(),
    outcome: z.enum(['passed', 'blocked', 'override', 'ungated']),
    moved: z.boolean(),
    criteria: z.array(z.object({ criterion: z.string(), verdict: z.string() }).loose()),
  })
  .loose()
  .openapi('GateDecision');

const create = createRoute({
  method: 'post',
  path: `${API_BASE}/models/{name}/promotions`,
  tags,
  summary:
    "Promote a version to an alias through the alias's gate: evaluates the policy on stored eval runs (start missing ones with POST /api/v1/eval-runs), stores the decision, moves the alias only on pass (needs MANAGE)",
  security: BEARER,
  request: { params: modelNameParams, body: jsonBody(newPromotion) },
  responses: { 200: jsonResponse('the decision (read `outcome` and `moved`)', Decision), ...COMMON_ERRORS },
});

const list = createRoute({
  method: 'get',
  path: `${API_BASE}/models/{name}/promotions`,
  tags,
  summary: 'The decision log of a model, newest first (needs READ)',
  security: BEARER,
  request: { params: modelNameParams, query: pageQuery.extend({ alias: aliasName.optional() }) },
  responses: { 200: jsonResponse('decisions', pageSchema(Decision, 'GateDecisionPage')), ...COMMON_ERRORS },
});

/** Promotions: the gate over REST (`POST` decides and maybe moves; `GET` lists decisions). */
export function registerPromotionRoutes(app: RagopsApp, ctx: AppContext, options: { datasetsDir: string }): void {
  app.openapi(create, async (c) => {
    const { name } = c.req.valid('param');
    const body = c.req.valid('json');
    const service = serviceContext(c, ctx);
    const decision = await promote({
      ...service,
      // Reviewer labels on the candidate and the stored judge calibrations (feedback module).
      ...storedGateEvidence(service),
      // The policy's split test, when it names one (monitoring; evals does not read it).
      externalCriteria: splitTestGateEvidence(service),
      modelUri: formatModelUri({ name: parseThreeLevelName(name), ref: { version: body.version } }),
      alias: body.alias,
      ...(body.reason !== undefined && { reason: body.reason }),
      loadDataset: (dataset) => loadEvalDataset(evalDatasetPath(options.datasetsDir, dataset)),
    });
    return c.json(decision, 200);
  });
  app.openapi(list, async (c) => {
    const { name } = c.req.valid('param');
    const q = c.req.valid('query');
    return c.json(await listGateDecisions({ ...readContext(c, ctx), model: name, ...q }), 200);
  });
}
