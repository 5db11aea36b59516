import { createRoute, z } from '@hono/zod-openapi';
import {
  copyModelVersion,
  createModelVersion,
  deleteModelVersion,
  getModelVersion,
  listModelVersions,
  modelVersionPackageSchema,
  modelVersionSchema,
  modelVersionUpdateSchema,
  tagsSchema,
  updateModelVersion,
} from '@ragops/core';
import { assertLlmProvidersConfigured, assertRerankerProviderConfigured } from '@ragops/rag';
import type { AppContext, RagopsApp } from '../app-context.ts';
import { pinPackagedIndex, unpinUnusedIndex } from '../registry/index-pins.ts';
import { API_BASE } from './api-base.ts';
import { modelNameParams } from './models.ts';
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
  versionParam,
} from './route-helpers.ts';

/** The ModelVersion response schema (a named OpenAPI component). */
export const Version = named(modelVersionSchema, 'ModelVersion');
const versionParams = modelNameParams.extend({ version: versionParam });
const tags = ['versions'];

const list = createRoute({
  method: 'get',
  path: `${API_BASE}/models/{name}/versions`,
  tags,
  summary: 'List the versions of a model, newest first (needs READ)',
  security: BEARER,
  request: { params: modelNameParams, query: pageQuery },
  responses: { 200: jsonResponse('versions', pageSchema(Version, 'ModelVersionPage')), ...COMMON_ERRORS },
});

const create = createRoute({
  method: 'post',
  path: `${API_BASE}/models/{name}/versions`,
  tags,
  summary: 'Register a new immutable version (creates the model if absent; needs MANAGE or CREATE_MODEL)',
  description:
    "As `ragops models register`: the package's index build must exist on this server (404), its chunker and embedder must match the build (400), and the index version is pinned against cleanup.",
  security: BEARER,
  request: {
    params: modelNameParams,
    body: jsonBody(
      z
        .strictObject({
          package: named(modelVersionPackageSchema, 'ModelVersionPackage'),
          description: z.string().max(10_000).optional(),
          tags: tagsSchema.optional(),
        })
        .openapi('NewModelVersion'),
    ),
  },
  responses: { 201: jsonResponse('the new version', Version), ...COMMON_ERRORS },
});

const copy = createRoute({
  method: 'post',
  path: `${API_BASE}/models/{name}/versions/copy`,
  tags,
  summary: 'Copy a version (e.g. dev → staging) as the next version of model {name}, keeping lineage',
  description: 'Needs READ on the source and MANAGE on the target model (CREATE_MODEL on its schema if new).',
  security: BEARER,
  request: {
    params: modelNameParams,
    body: jsonBody(
      z
        .strictObject({
          source: z.string().min(1).openapi({ example: 'models:/dev.support.docs_qa@champion' }),
          description: z.string().max(10_000).optional(),
          tags: tagsSchema.optional(),
        })
        .openapi('CopyModelVersion'),
    ),
  },
  responses: { 201: jsonResponse('the new version of the target model', Version), ...COMMON_ERRORS },
});

const get = createRoute({
  method: 'get',
  path: `${API_BASE}/models/{name}/versions/{version}`,
  tags,
  summary: 'Get a version with its package (needs READ)',
  security: BEARER,
  request: { params: versionParams },
  responses: { 200: jsonResponse('the version', Version), ...COMMON_ERRORS },
});

const update = createRoute({
  method: 'patch',
  path: `${API_BASE}/models/{name}/versions/{version}`,
  tags,
  summary: "Change a version's description and/or tags (needs MANAGE)",
  description: 'Versions are immutable packages: a patch naming any other field (e.g. `package`) is refused with 409.',
  security: BEARER,
  request: {
    params: versionParams,
    // Loose on purpose: the registry answers 409 (not 400) to attempts to change the package.
    body: jsonBody(modelVersionUpdateSchema.loose().openapi('ModelVersionUpdate')),
  },
  responses: { 200: jsonResponse('the updated version', Version), ...COMMON_ERRORS },
});

const remove = createRoute({
  method: 'delete',
  path: `${API_BASE}/models/{name}/versions/{version}`,
  tags,
  summary: 'Delete a version; its number is never reused (needs MANAGE; 409 while an alias points at it)',
  description: 'Unpins the index version when no other version pins it.',
  security: BEARER,
  request: { params: versionParams },
  responses: {
    200: jsonResponse(
      'deleted',
      z
        .object({
          deleted: z.string(),
          index: z.object({ name: z.string(), version: z.number().int() }),
          indexStillPinned: z.boolean(),
          /** True when this deletion removed the index version's pin (no version pins it any more). */
          indexUnpinned: z.boolean(),
        })
        .openapi('DeletedModelVersion'),
    ),
    ...COMMON_ERRORS,
  },
});

/** Model versions and copies across catalogs. */
export function registerVersionRoutes(app: RagopsApp, ctx: AppContext): void {
  app.openapi(list, async (c) =>
    c.json(
      await listModelVersions({ ...readContext(c, ctx), ...c.req.valid('query'), name: c.req.valid('param').name }),
      200,
    ),
  );
  app.openapi(create, async (c) => {
    const body = c.req.valid('json');
    assertLlmProvidersConfigured({
      llm: body.package.chain.llm,
      known: ctx.llmProviderNames,
      where: 'package.chain.llm',
    });
    assertRerankerProviderConfigured({
      reranker: body.package.chain.retriever.reranker,
      known: ctx.llmProviderNames,
      where: 'package.chain.retriever.reranker',
    });
    const version = await createModelVersion({
      ...serviceContext(c, ctx),
      name: c.req.valid('param').name,
      ...body,
      prepare: () => pinPackagedIndex(ctx.config.home, body.package),
    });
    return c.json(version, 201);
  });
  app.openapi(copy, async (c) => {
    const { source, ...rest } = c.req.valid('json');
    const version = await copyModelVersion({
      ...serviceContext(c, ctx),
      source,
      target: c.req.valid('param').name,
      ...rest,
    });
    return c.json(version, 201);
  });
  app.openapi(get, async (c) => {
    const { name, version } = c.req.valid('param');
    return c.json(await getModelVersion({ ...readContext(c, ctx), name, version: Number(version) }), 200);
  });
  app.openapi(update, async (c) => {
    const { name, version } = c.req.valid('param');
    const updated = await updateModelVersion({
      ...serviceContext(c, ctx),
      name,
      version: Number(version),
      update: c.req.valid('json'),
    });
    return c.json(updated, 200);
  });
  app.openapi(remove, async (c) => {
    const { name, version } = c.req.valid('param');
    const deleted = await deleteModelVersion({ ...serviceContext(c, ctx), name, version: Number(version) });
    const indexUnpinned =
      !deleted.indexStillPinned && (await unpinUnusedIndex(ctx.config.home, deleted.index, c.get('logger')));
    return c.json({ ...deleted, indexUnpinned }, 200);
  });
}
