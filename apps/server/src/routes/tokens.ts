import { createRoute, z } from '@hono/zod-openapi';
import {
  createToken,
  listTokens,
  newTokenSchema,
  principalNameSchema,
  revokeToken,
  tokenInfoSchema,
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

const TokenInfo = named(tokenInfoSchema, 'TokenInfo');
const tags = ['tokens'];

const list = createRoute({
  method: 'get',
  path: `${API_BASE}/tokens`,
  tags,
  summary: "List token metadata (never secrets): your own, or (admin) a principal's or everyone's",
  security: BEARER,
  request: {
    query: pageQuery.extend({
      principal: principalNameSchema.optional(),
      all: z.enum(['true', 'false']).optional().openapi({ description: 'admin: every principal' }),
    }),
  },
  responses: { 200: jsonResponse('tokens', pageSchema(TokenInfo, 'TokenInfoPage')), ...COMMON_ERRORS },
});

const create = createRoute({
  method: 'post',
  path: `${API_BASE}/tokens`,
  tags,
  summary: 'Create an API token (for yourself, or for anyone as an admin); the secret is returned only here',
  security: BEARER,
  request: { body: jsonBody(named(newTokenSchema, 'NewToken')) },
  responses: {
    201: jsonResponse(
      'the secret (shown once) and the token metadata',
      z.object({ token: z.string(), info: TokenInfo }).openapi('CreatedToken'),
    ),
    ...COMMON_ERRORS,
  },
});

const revoke = createRoute({
  method: 'delete',
  path: `${API_BASE}/tokens/{id}`,
  tags,
  summary: 'Revoke a token (your own, or any as an admin); idempotent',
  security: BEARER,
  request: { params: z.object({ id: z.string().min(1).max(100) }) },
  responses: { 200: jsonResponse('the revoked token', TokenInfo), ...COMMON_ERRORS },
});

/** API tokens. */
export function registerTokenRoutes(app: RagopsApp, ctx: AppContext): void {
  app.openapi(list, async (c) => {
    const { all, ...query } = c.req.valid('query');
    return c.json(await listTokens({ ...readContext(c, ctx), ...query, all: all === 'true' }), 200);
  });
  app.openapi(create, async (c) => {
    const created = await createToken({ ...serviceContext(c, ctx), token: c.req.valid('json') });
    // The secret must not be cached by anything between us and the caller.
    c.header('cache-control', 'no-store');
    return c.json(created, 201);
  });
  app.openapi(revoke, async (c) => {
    const revoked = await revokeToken({ ...serviceContext(c, ctx), id: c.req.valid('param').id });
    // The cache knows tokens, not their ids: this replica forgets them all (revocations are rare),
    // so the revocation holds here at once; other replicas drop the token within their TTL.
    ctx.tokens.forgetAll();
    return c.json(revoked, 200);
  });
}
