import { createRoute, z } from '@hono/zod-openapi';
import { authorizeIndexRead, NotFoundError } from '@ragops/core';
import { getIndexBuild, indexBuildSchema, listIndexBuilds } from '@ragops/rag';
import type { AppContext, RagopsApp } from '../app-context.ts';
import { API_BASE } from './api-base.ts';
import { BEARER, COMMON_ERRORS, jsonResponse, named, threeLevelName, versionParam } from './route-helpers.ts';

const IndexBuild = named(indexBuildSchema, 'IndexBuild');
const nameParams = z.object({ name: threeLevelName('dev.support.kb', 'index name: catalog.schema.index') });
const tags = ['indexes'];

const list = createRoute({
  method: 'get',
  path: `${API_BASE}/indexes/{name}/builds`,
  tags,
  summary: 'Build records of an index, oldest first (needs READ on its schema; 404 when never built)',
  security: BEARER,
  request: { params: nameParams },
  responses: {
    200: jsonResponse('build records', z.object({ items: z.array(IndexBuild) }).openapi('IndexBuildList')),
    ...COMMON_ERRORS,
  },
});

const get = createRoute({
  method: 'get',
  path: `${API_BASE}/indexes/{name}/builds/{version}`,
  tags,
  summary: 'The build record of one index version (needs READ on its schema)',
  security: BEARER,
  request: { params: nameParams.extend({ version: versionParam }) },
  responses: { 200: jsonResponse('the build record', IndexBuild), ...COMMON_ERRORS },
});

/** Index build records (read-only; builds run through `ragops index build`). */
export function registerIndexBuildRoutes(app: RagopsApp, ctx: AppContext): void {
  app.openapi(list, async (c) => {
    const { name } = c.req.valid('param');
    // An index is an asset of its schema: READ there (core's rule); an invisible one answers 404.
    await authorizeIndexRead({ store: ctx.store, actor: c.get('principal'), index: name });
    const items = await listIndexBuilds(ctx.config.home, name);
    if (items.length === 0) throw new NotFoundError(`index "${name}" has no builds on this server`);
    return c.json({ items }, 200);
  });
  app.openapi(get, async (c) => {
    const { name, version } = c.req.valid('param');
    // An index is an asset of its schema: READ there (core's rule); an invisible one answers 404.
    await authorizeIndexRead({ store: ctx.store, actor: c.get('principal'), index: name });
    return c.json(await getIndexBuild(ctx.config.home, name, Number(version)), 200);
  });
}
