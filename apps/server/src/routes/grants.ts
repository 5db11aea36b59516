import { createRoute, z } from '@hono/zod-openapi';
import {
  addGrant,
  grantChangeSchema,
  grantSchema,
  listGrants,
  principalNameSchema,
  revokeGrant,
  SECURABLE_TYPES,
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

const Grant = named(grantSchema, 'Grant');
const GrantChange = named(grantChangeSchema, 'GrantChange');
const tags = ['grants'];

const list = createRoute({
  method: 'get',
  path: `${API_BASE}/grants`,
  tags,
  summary: 'List grants on one securable (needs MANAGE on it), of one principal, or all (admin)',
  security: BEARER,
  request: {
    query: pageQuery
      .extend({
        principal: principalNameSchema.optional(),
        securableType: z.enum(SECURABLE_TYPES).optional(),
        securableName: z.string().min(1).max(200).optional().openapi({ example: 'dev.support' }),
      })
      .refine((q) => (q.securableType === undefined) === (q.securableName === undefined), {
        message: 'give securableType and securableName together',
        path: ['securableName'],
      }),
  },
  responses: { 200: jsonResponse('grants', pageSchema(Grant, 'GrantPage')), ...COMMON_ERRORS },
});

const add = createRoute({
  method: 'post',
  path: `${API_BASE}/grants`,
  tags,
  summary: 'Grant a privilege on a catalog, schema or model (needs MANAGE on it; idempotent)',
  security: BEARER,
  request: { body: jsonBody(GrantChange) },
  responses: { 200: jsonResponse('the grant', Grant), ...COMMON_ERRORS },
});

const revoke = createRoute({
  method: 'post',
  path: `${API_BASE}/grants/revoke`,
  tags,
  summary: 'Revoke a grant (needs MANAGE on the securable)',
  security: BEARER,
  request: { body: jsonBody(GrantChange) },
  responses: { 200: jsonResponse('the revoked grant', Grant), ...COMMON_ERRORS },
});

/** Grants of privileges on catalogs, schemas and models. */
export function registerGrantRoutes(app: RagopsApp, ctx: AppContext): void {
  app.openapi(list, async (c) => {
    const { securableType, securableName, ...query } = c.req.valid('query');
    const securable = securableType && securableName ? { type: securableType, name: securableName } : undefined;
    return c.json(await listGrants({ ...readContext(c, ctx), ...query, securable }), 200);
  });
  app.openapi(add, async (c) => c.json(await addGrant({ ...serviceContext(c, ctx), grant: c.req.valid('json') }), 200));
  app.openapi(revoke, async (c) =>
    c.json(await revokeGrant({ ...serviceContext(c, ctx), grant: c.req.valid('json') }), 200),
  );
}
