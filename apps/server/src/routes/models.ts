import { createRoute, z } from '@hono/zod-openapi';
import {
  createModel,
  getModel,
  identifierSchema,
  listModels,
  newRegisteredModelSchema,
  registeredModelSchema,
  registeredModelUpdateSchema,
  updateModel,
} from '@ragops/core';
import type { AppContext, RagopsApp } from '../app-context.ts';
import { API_BASE } from './api-base.ts';
import {
  BEARER,
  COMMON_ERRORS,
  jsonBody,
  jsonResponse,
  named,
  pageQuery,
  pageSchema,
  readContext,
  serviceContext,
  threeLevelName,
} from './route-helpers.ts';

const Model = named(registeredModelSchema, 'RegisteredModel');
/** `{name}` of every /models/{name}/… route. */
export const modelNameParams = z.object({
  name: threeLevelName('dev.support.docs_qa', 'registered model name: catalog.schema.model'),
});
const tags = ['models'];

const list = createRoute({
  method: 'get',
  path: `${API_BASE}/models`,
  tags,
  summary: 'List the registered models the caller may see, optionally in one catalog or schema',
  security: BEARER,
  request: {
    query: pageQuery.extend({ catalog: identifierSchema.optional(), schema: identifierSchema.optional() }),
  },
  responses: { 200: jsonResponse('models', pageSchema(Model, 'RegisteredModelPage')), ...COMMON_ERRORS },
});

const create = createRoute({
  method: 'post',
  path: `${API_BASE}/models`,
  tags,
  summary: 'Create a registered model (needs CREATE_MODEL on its schema)',
  security: BEARER,
  request: {
    body: jsonBody(
      newRegisteredModelSchema
        .extend({ name: threeLevelName('dev.support.docs_qa', 'catalog.schema.model') })
        .openapi('NewRegisteredModel'),
    ),
  },
  responses: { 201: jsonResponse('created', Model), ...COMMON_ERRORS },
});

const get = createRoute({
  method: 'get',
  path: `${API_BASE}/models/{name}`,
  tags,
  summary: 'Get a registered model with its aliases (needs READ)',
  security: BEARER,
  request: { params: modelNameParams },
  responses: { 200: jsonResponse('the model', Model), ...COMMON_ERRORS },
});

const update = createRoute({
  method: 'patch',
  path: `${API_BASE}/models/{name}`,
  tags,
  summary: "Change a model's description and/or tags (needs MANAGE)",
  security: BEARER,
  request: { params: modelNameParams, body: jsonBody(named(registeredModelUpdateSchema, 'RegisteredModelUpdate')) },
  responses: { 200: jsonResponse('the updated model', Model), ...COMMON_ERRORS },
});

/** Registered models. */
export function registerModelRoutes(app: RagopsApp, ctx: AppContext): void {
  app.openapi(list, async (c) => c.json(await listModels({ ...readContext(c, ctx), ...c.req.valid('query') }), 200));
  app.openapi(create, async (c) => {
    const { name, ...model } = c.req.valid('json');
    return c.json(await createModel({ ...serviceContext(c, ctx), name, model }), 201);
  });
  app.openapi(get, async (c) =>
    c.json(await getModel({ ...readContext(c, ctx), name: c.req.valid('param').name }), 200),
  );
  app.openapi(update, async (c) =>
    c.json(
      await updateModel({ ...serviceContext(c, ctx), name: c.req.valid('param').name, update: c.req.valid('json') }),
      200,
    ),
  );
}
