import { createRoute, z } from '@hono/zod-openapi';
import {
  catalogSchema,
  createCatalog,
  createSchema,
  getCatalog,
  getSchema,
  identifierSchema,
  initWorkspace,
  listCatalogs,
  listSchemas,
  newCatalogSchema,
  newSchemaObjectSchema,
  schemaObjectSchema,
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

const Catalog = named(catalogSchema, 'Catalog');
const Schema = named(schemaObjectSchema, 'Schema');
const catalogParams = z.object({ catalog: named(identifierSchema, { example: 'dev' }) });
const schemaParams = catalogParams.extend({ schema: named(identifierSchema, { example: 'support' }) });
const tags = ['catalogs'];

const list = createRoute({
  method: 'get',
  path: `${API_BASE}/catalogs`,
  tags,
  summary: 'List the catalogs the caller may see',
  security: BEARER,
  request: { query: pageQuery },
  responses: { 200: jsonResponse('catalogs', pageSchema(Catalog, 'CatalogPage')), ...COMMON_ERRORS },
});

const create = createRoute({
  method: 'post',
  path: `${API_BASE}/catalogs`,
  tags,
  summary: 'Create a catalog (admin)',
  security: BEARER,
  request: { body: jsonBody(named(newCatalogSchema, 'NewCatalog')) },
  responses: { 201: jsonResponse('created', Catalog), ...COMMON_ERRORS },
});

const init = createRoute({
  method: 'post',
  path: `${API_BASE}/catalogs/init`,
  tags,
  summary: 'Create the default catalogs (dev, staging, prod) that do not exist yet (admin; idempotent)',
  security: BEARER,
  responses: {
    200: jsonResponse(
      'created now, and all defaults',
      z.object({ created: z.array(z.string()), catalogs: z.array(z.string()) }),
    ),
    ...COMMON_ERRORS,
  },
});

const get = createRoute({
  method: 'get',
  path: `${API_BASE}/catalogs/{catalog}`,
  tags,
  summary: 'Get a catalog (needs USE_CATALOG)',
  security: BEARER,
  request: { params: catalogParams },
  responses: { 200: jsonResponse('the catalog', Catalog), ...COMMON_ERRORS },
});

const listSchemasRoute = createRoute({
  method: 'get',
  path: `${API_BASE}/catalogs/{catalog}/schemas`,
  tags,
  summary: 'List the schemas of a catalog the caller may see',
  security: BEARER,
  request: { params: catalogParams, query: pageQuery },
  responses: { 200: jsonResponse('schemas', pageSchema(Schema, 'SchemaPage')), ...COMMON_ERRORS },
});

const createSchemaRoute = createRoute({
  method: 'post',
  path: `${API_BASE}/catalogs/{catalog}/schemas`,
  tags,
  summary: 'Create a schema in a catalog (needs MANAGE on the catalog)',
  security: BEARER,
  request: { params: catalogParams, body: jsonBody(named(newSchemaObjectSchema, 'NewSchema')) },
  responses: { 201: jsonResponse('created', Schema), ...COMMON_ERRORS },
});

const getSchemaRoute = createRoute({
  method: 'get',
  path: `${API_BASE}/catalogs/{catalog}/schemas/{schema}`,
  tags,
  summary: 'Get a schema (needs USE_CATALOG and USE_SCHEMA)',
  security: BEARER,
  request: { params: schemaParams },
  responses: { 200: jsonResponse('the schema', Schema), ...COMMON_ERRORS },
});

/** Catalogs and schemas. */
export function registerCatalogRoutes(app: RagopsApp, ctx: AppContext): void {
  app.openapi(list, async (c) => c.json(await listCatalogs({ ...readContext(c, ctx), ...c.req.valid('query') }), 200));
  app.openapi(create, async (c) =>
    c.json(await createCatalog({ ...serviceContext(c, ctx), catalog: c.req.valid('json') }), 201),
  );
  app.openapi(init, async (c) => c.json(await initWorkspace(serviceContext(c, ctx)), 200));
  app.openapi(get, async (c) =>
    c.json(await getCatalog({ ...readContext(c, ctx), name: c.req.valid('param').catalog }), 200),
  );
  app.openapi(listSchemasRoute, async (c) =>
    c.json(
      await listSchemas({ ...readContext(c, ctx), ...c.req.valid('query'), catalog: c.req.valid('param').catalog }),
      200,
    ),
  );
  app.openapi(createSchemaRoute, async (c) =>
    c.json(
      await createSchema({
        ...serviceContext(c, ctx),
        catalog: c.req.valid('param').catalog,
        schema: c.req.valid('json'),
      }),
      201,
    ),
  );
  app.openapi(getSchemaRoute, async (c) => {
    const { catalog, schema } = c.req.valid('param');
    return c.json(await getSchema({ ...readContext(c, ctx), catalog, name: schema }), 200);
  });
}
