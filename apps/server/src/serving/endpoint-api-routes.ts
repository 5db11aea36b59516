import {
  createEndpoint,
  deleteEndpoint,
  type Endpoint,
  getEndpoint,
  InvalidInputError,
  inferenceQuerySchema,
  listEndpoints,
  PermissionDeniedError,
  pageRequestSchema,
  parseInput,
  queryInferenceRows,
  updateEndpoint,
} from '@ragops/core';
import { Hono, type HonoRequest } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import type { AppEnv } from '../app-env.ts';

const endpointBodySchema = z.strictObject({ name: z.string(), config: z.unknown() });

function toJson(e: Endpoint) {
  return {
    name: e.name,
    config: e.config,
    createdBy: e.createdBy,
    createdAt: e.createdAt,
    updatedBy: e.updatedBy,
    updatedAt: e.updatedAt,
  };
}

// Through hono's body cache: the JSON depth guard in front of /api/v1 has parsed it already.
async function jsonBody(req: HonoRequest): Promise<unknown> {
  try {
    return await req.json();
  } catch (error) {
    throw new InvalidInputError(`body: malformed JSON (${(error as Error).message})`, { cause: error });
  }
}

/**
 * The management API of endpoints and the inference table, under /api/v1 (bearer auth and the
 * registry's error shape come from the app). Mutations are audited by the core services.
 */
export function createEndpointApiRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const sc = (c: { get(k: 'principal'): AppEnv['Variables']['principal']; get(k: 'requestId'): string }) => ({
    store: ctx.store,
    actor: c.get('principal'),
    requestId: c.get('requestId'),
  });

  app.post('/endpoints', async (c) => {
    const body = parseInput(endpointBodySchema, await jsonBody(c.req), 'body');
    const endpoint = await createEndpoint({ ...sc(c), name: body.name, config: body.config as never });
    return c.json(toJson(endpoint), 201);
  });

  app.put('/endpoints/:name', async (c) => {
    const config = await jsonBody(c.req);
    const endpoint = await updateEndpoint({ ...sc(c), name: c.req.param('name'), config: config as never });
    return c.json(toJson(endpoint));
  });

  app.get('/endpoints', async (c) => {
    const page = parseInput(pageRequestSchema, c.req.query(), 'query');
    const result = await listEndpoints({ ...sc(c), ...page });
    return c.json({
      items: result.items.map(toJson),
      ...(result.nextPageToken && { nextPageToken: result.nextPageToken }),
    });
  });

  app.get('/endpoints/:name', async (c) => c.json(toJson(await getEndpoint({ ...sc(c), name: c.req.param('name') }))));

  app.delete('/endpoints/:name', async (c) =>
    c.json(toJson(await deleteEndpoint({ ...sc(c), name: c.req.param('name') }))),
  );

  // Request content lives here: admins only (monitoring reads the store directly).
  app.get('/inference', async (c) => {
    if (!c.get('principal').isAdmin) throw new PermissionDeniedError('only an admin may read the inference table');
    const q = c.req.query();
    const query = parseInput(
      inferenceQuerySchema,
      {
        ...q,
        ...(q.afterSeq !== undefined && { afterSeq: Number(q.afterSeq) }),
        ...(q.limit !== undefined && { limit: Number(q.limit) }),
        ...(q.modelVersion !== undefined && { modelVersion: Number(q.modelVersion) }),
      },
      'query',
    );
    return c.json({ items: await queryInferenceRows(ctx.store, query) });
  });

  return app;
}
