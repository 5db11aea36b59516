import { createRoute, z } from '@hono/zod-openapi';
import {
  createPrincipal,
  getPrincipal,
  listPrincipals,
  newPrincipalSchema,
  principalNameSchema,
  principalSchema,
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
} from './route-helpers.ts';

const Principal = named(principalSchema, 'Principal');
const tags = ['principals'];

const me = createRoute({
  method: 'get',
  path: `${API_BASE}/me`,
  tags,
  summary: 'The principal the bearer token belongs to',
  security: BEARER,
  responses: { 200: jsonResponse('the caller', Principal), ...COMMON_ERRORS },
});

const list = createRoute({
  method: 'get',
  path: `${API_BASE}/principals`,
  tags,
  summary: 'List principals (admin)',
  security: BEARER,
  request: { query: pageQuery },
  responses: { 200: jsonResponse('principals', pageSchema(Principal, 'PrincipalPage')), ...COMMON_ERRORS },
});

const create = createRoute({
  method: 'post',
  path: `${API_BASE}/principals`,
  tags,
  summary: 'Create a user or service principal (admin)',
  security: BEARER,
  request: { body: jsonBody(named(newPrincipalSchema, 'NewPrincipal')) },
  responses: { 201: jsonResponse('created', Principal), ...COMMON_ERRORS },
});

const get = createRoute({
  method: 'get',
  path: `${API_BASE}/principals/{name}`,
  tags,
  summary: 'Get a principal (yourself, or anyone for an admin)',
  security: BEARER,
  request: { params: z.object({ name: named(principalNameSchema, { example: 'alice' }) }) },
  responses: { 200: jsonResponse('the principal', Principal), ...COMMON_ERRORS },
});

/** Principals (users and service principals). */
export function registerPrincipalRoutes(app: RagopsApp, ctx: AppContext): void {
  app.openapi(me, (c) => c.json(c.get('principal'), 200));
  app.openapi(list, async (c) =>
    c.json(await listPrincipals({ ...readContext(c, ctx), ...c.req.valid('query') }), 200),
  );
  app.openapi(create, async (c) =>
    c.json(await createPrincipal({ ...serviceContext(c, ctx), principal: c.req.valid('json') }), 201),
  );
  app.openapi(get, async (c) =>
    c.json(await getPrincipal({ ...readContext(c, ctx), name: c.req.valid('param').name }), 200),
  );
}
