import { createRoute, z } from '@hono/zod-openapi';
import {
  FEEDBACK_SOURCES,
  feedbackInputSchema,
  feedbackStats,
  listFeedback,
  ratingSchema,
  requestIdSchema,
  submitFeedback,
} from '@ragops/evals';
import type { AppContext, RagopsApp } from '../app-context.ts';
import { bearerAuth } from '../middleware/bearer-auth.ts';
import { jsonDepthLimit } from '../middleware/json-depth-limit.ts';
import { API_BASE } from './api-base.ts';
import {
  BEARER,
  COMMON_ERRORS,
  jsonBody,
  jsonResponse,
  named,
  pageQuery,
  readContext,
  serviceContext,
} from './route-helpers.ts';

const tags = ['feedback'];

// The stored shape is built by the evals store; documented loosely here.
const FeedbackSchema = z
  .object({
    id: z.string(),
    source: z.enum(FEEDBACK_SOURCES),
    author: z.string(),
    revision: z.number().int(),
    modelName: z.string(),
    modelVersion: z.number().int(),
  })
  .loose()
  .openapi('Feedback');

const interval = z.object({ mean: z.number(), low: z.number(), high: z.number(), n: z.number().int() });
const aggregate = {
  count: z.number().int(),
  approval: interval.optional().openapi({ description: 'rated feedback only; absent when none' }),
  perCriterion: z.record(z.string(), interval),
};
const FeedbackStatsSchema = z
  .object({
    source: z.enum(FEEDBACK_SOURCES),
    modelName: z.string(),
    ...aggregate,
    groups: z.array(
      z.object({
        modelVersion: z.number().int(),
        endpoint: z.string().nullable(),
        arm: z.string().nullable(),
        ...aggregate,
      }),
    ),
  })
  .openapi('FeedbackStats');

// The evals schemas are the parsers (bounds, NUL, criterion levels); the service parses them again.
const endUserBody = named(
  z.strictObject({
    id: named(requestIdSchema, { description: 'the `id` a chat completion returned (chatcmpl-…)' }),
    rating: ratingSchema,
    comment: feedbackInputSchema.shape.comment,
    correctedAnswer: feedbackInputSchema.shape.correctedAnswer,
  }),
  'EndUserFeedback',
);
const reviewerBody = named(feedbackInputSchema, 'ReviewerFeedback');

const endUser = createRoute({
  method: 'post',
  path: '/v1/feedback',
  tags,
  summary: 'Rate one of your own chat completions (EXECUTE on its endpoint); a second rating replaces the first',
  security: BEARER,
  request: { body: jsonBody(endUserBody) },
  responses: { 200: jsonResponse('the feedback (revision 1, 2, …)', FeedbackSchema), ...COMMON_ERRORS },
});

const review = createRoute({
  method: 'post',
  path: `${API_BASE}/feedback`,
  tags,
  summary: 'Label an inference row or an eval row as a reviewer (READ on its model); replaces your earlier labels',
  security: BEARER,
  request: { body: jsonBody(reviewerBody) },
  responses: { 200: jsonResponse('the feedback (revision 1, 2, …)', FeedbackSchema), ...COMMON_ERRORS },
});

const filterQuery = pageQuery.extend({
  source: z.enum(FEEDBACK_SOURCES).optional(),
  model: z.string().min(1).max(500).optional().openapi({ description: 'catalog.schema.model' }),
  version: z.coerce.number().int().positive().optional(),
  endpoint: z.string().min(1).max(100).optional(),
  arm: z.string().min(1).max(100).optional(),
  author: z.string().min(1).max(200).optional(),
  targetKind: z.enum(['inference', 'eval_row']).optional(),
  runId: z.string().min(1).max(100).optional(),
});

const list = createRoute({
  method: 'get',
  path: `${API_BASE}/feedback`,
  tags,
  summary: 'Feedback, newest first, on models the caller may READ',
  security: BEARER,
  request: { query: filterQuery },
  responses: {
    200: jsonResponse(
      'feedback',
      z.object({ items: z.array(FeedbackSchema), nextPageToken: z.string().optional() }).openapi('FeedbackPage'),
    ),
    ...COMMON_ERRORS,
  },
});

const stats = createRoute({
  method: 'get',
  path: `${API_BASE}/feedback/stats`,
  tags,
  summary: 'Count and approval (Wilson 95%) of ONE source per model version × endpoint × arm; needs READ',
  security: BEARER,
  request: {
    query: z.strictObject({
      model: z.string().min(1).max(500).openapi({ description: 'catalog.schema.model' }),
      source: z.enum(FEEDBACK_SOURCES),
      version: z.coerce.number().int().positive().optional(),
      endpoint: z.string().min(1).max(100).optional(),
      arm: z.string().min(1).max(100).optional(),
    }),
  },
  responses: { 200: jsonResponse('aggregates', FeedbackStatsSchema), ...COMMON_ERRORS },
});

/**
 * Feedback over HTTP. Register BEFORE serving: `/v1/feedback` sits beside the OpenAI routes but is
 * not one of them (its errors take the ragops shape, it writes no inference row), so it brings its
 * own bearer auth and depth limit and answers before serving's `/v1/*` middleware would run.
 */
export function registerFeedbackRoutes(app: RagopsApp, ctx: AppContext): void {
  app.use('/v1/feedback', bearerAuth(ctx.tokens), jsonDepthLimit());
  app.openapi(endUser, async (c) => {
    const { id, ...rest } = c.req.valid('json');
    const input = { target: { kind: 'inference' as const, requestId: id }, ...rest };
    return c.json(await submitFeedback(serviceContext(c, ctx), { source: 'end_user', input }), 200);
  });
  app.openapi(review, async (c) =>
    c.json(await submitFeedback(serviceContext(c, ctx), { source: 'reviewer', input: c.req.valid('json') }), 200),
  );
  app.openapi(list, async (c) => {
    const { pageSize, pageToken, model, version, ...filter } = c.req.valid('query');
    const page = { ...(pageSize && { pageSize }), ...(pageToken && { pageToken }) };
    const result = await listFeedback(
      readContext(c, ctx),
      { ...filter, ...(model && { modelName: model }), ...(version && { modelVersion: version }) },
      page,
    );
    return c.json(result, 200);
  });
  app.openapi(stats, async (c) => {
    const { model, ...q } = c.req.valid('query');
    return c.json(await feedbackStats(readContext(c, ctx), { ...q, modelName: model }), 200);
  });
}
