import { createRoute, z } from '@hono/zod-openapi';
import { authorize, parseThreeLevelName } from '@ragops/core';
import { getIndexBuild, indexBuildSchema, listIndexBuilds } from '@ragops/rag';
import type { Context } from 'hono';
import type { AppContext, RagopsApp } from '../app-context.ts';
import type { AppEnv } from '../app-env.ts';
import { API_BASE } from './api-base.ts';
import { BEARER, COMMON_ERRORS, jsonResponse, named, threeLevelName, versionParam } from './route-helpers.ts';

const IndexBuild = named(indexBuildSchema, 'IndexBuild');
const nameParams = z.object({ name: threeLevelName('dev.support.kb', 'index name: catalog.schema.index') });
const tags = ['indexes'];

const list = createRoute({
  method: 'get',
  path: `${API_BASE}/indexes/{name}/builds`,
  tags,
  summary: 'Build records of an index, oldest first (needs READ on its schema)',
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

// An index is an asset of its schema: reading its builds needs READ there (the registry's rule,
// called, not re-implemented). A schema the caller may not see answers 404.
async function authorizeIndexRead(c: Context<AppEnv>, ctx: AppContext, name: string): Promise<void> {
  const n = parseThreeLevelName(name);
  await authorize({
    store: ctx.store,
    actor: c.get('principal'),
    privilege: 'READ',
    target: { catalog: n.catalog, schema: n.schema },
  });
}

/** Index build records (read-only; builds run through `ragops index build`). */
export function registerIndexBuildRoutes(app: RagopsApp, ctx: AppContext): void {
  app.openapi(list, async (c) => {
    const { name } = c.req.valid('param');
    await authorizeIndexRead(c, ctx, name);
    return c.json({ items: await listIndexBuilds(ctx.config.home, name) }, 200);
  });
  app.openapi(get, async (c) => {
    const { name, version } = c.req.valid('param');
    await authorizeIndexRead(c, ctx, name);
    return c.json(await getIndexBuild(ctx.config.home, name, Number(version)), 200);
  });
}
