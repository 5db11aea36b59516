import { createRoute, z } from '@hono/zod-openapi';
import { deleteAlias, resolveModelUri, setAlias, setAliasBodySchema } from '@ragops/core';
import { forceAliasMove } from '@ragops/evals';
import type { AppContext, RagopsApp } from '../app-context.ts';
import { API_BASE } from './api-base.ts';
import { modelNameParams } from './models.ts';
import { BEARER, COMMON_ERRORS, jsonBody, jsonResponse, named, readContext, serviceContext } from './route-helpers.ts';
import { Version } from './versions.ts';

// The alias rules (allowed characters, reserved names) are the registry's: it answers 400 itself.
const aliasParams = modelNameParams.extend({
  alias: z.string().min(1).max(64).openapi({ example: 'champion', description: 'alias name' }),
});
const AliasMove = z
  .object({
    model: z.string(),
    alias: z.string(),
    fromVersion: z.number().int().nullable(),
    toVersion: z.number().int().nullable(),
    reason: z.string(),
  })
  .openapi('AliasMove');
const tags = ['aliases'];
// `force` is this route's: an override goes through the gate's decision log (@ragops/evals).
const setAliasBody = setAliasBodySchema.extend({ force: z.boolean().optional() });

const get = createRoute({
  method: 'get',
  path: `${API_BASE}/models/{name}/aliases/{alias}`,
  tags,
  summary: 'Resolve an alias to its version (`latest`: the highest live version; needs READ)',
  security: BEARER,
  request: { params: aliasParams },
  responses: { 200: jsonResponse('the version the alias points at', Version), ...COMMON_ERRORS },
});

const put = createRoute({
  method: 'put',
  path: `${API_BASE}/models/{name}/aliases/{alias}`,
  tags,
  summary:
    'Point an alias at a version, creating or moving it (needs MANAGE; audited with who, from, to, why). A gated alias answers 409 naming its gate; `force: true` with a `reason` records an override',
  security: BEARER,
  request: { params: aliasParams, body: jsonBody(named(setAliasBody, 'SetAlias')) },
  responses: { 200: jsonResponse('the move', AliasMove), ...COMMON_ERRORS },
});

const remove = createRoute({
  method: 'delete',
  path: `${API_BASE}/models/{name}/aliases/{alias}`,
  tags,
  summary: 'Delete an alias (needs MANAGE; audited)',
  security: BEARER,
  request: { params: aliasParams, query: z.strictObject({ reason: z.string().max(2000).optional() }) },
  responses: { 200: jsonResponse('the removal', AliasMove), ...COMMON_ERRORS },
});

/** Aliases: resolve, set (create or move) and delete. */
export function registerAliasRoutes(app: RagopsApp, ctx: AppContext): void {
  app.openapi(get, async (c) => {
    const { name, alias } = c.req.valid('param');
    return c.json(await resolveModelUri({ ...readContext(c, ctx), uri: `models:/${name}@${alias}` }), 200);
  });
  app.openapi(put, async (c) => {
    const { name, alias } = c.req.valid('param');
    const { force, ...body } = c.req.valid('json');
    if (!force) return c.json(await setAlias({ ...serviceContext(c, ctx), name, alias, ...body }), 200);
    const d = await forceAliasMove({
      ...serviceContext(c, ctx),
      name,
      alias,
      version: body.version,
      reason: body.reason ?? '',
    });
    return c.json(
      { model: d.model, alias: d.alias, fromVersion: d.holderVersion, toVersion: d.candidateVersion, reason: d.reason },
      200,
    );
  });
  app.openapi(remove, async (c) => {
    const { name, alias } = c.req.valid('param');
    return c.json(await deleteAlias({ ...serviceContext(c, ctx), name, alias, ...c.req.valid('query') }), 200);
  });
}
