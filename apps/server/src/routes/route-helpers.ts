import { z } from '@hono/zod-openapi';
import { endpointNameSchema, threeLevelNameSchema } from '@ragops/core';
import type { Context } from 'hono';
import type { AppContext } from '../app-context.ts';
import type { AppEnv } from '../app-env.ts';
import { errorBodySchema } from '../errors/error-response.ts';

/** `{ store, actor, requestId }` for a service call: the requestId lands in the audit row. */
export function serviceContext(c: Context<AppEnv>, ctx: AppContext) {
  return { store: ctx.store, actor: c.get('principal'), requestId: c.get('requestId') };
}

/** `{ store, actor }` for a read-only service call. */
export function readContext(c: Context<AppEnv>, ctx: AppContext) {
  return { store: ctx.store, actor: c.get('principal') };
}

/** OpenAPI metadata of a schema: `example`, `description`, … */
type OpenApiMeta = Record<string, unknown>;

/**
 * `schema.openapi(meta)` for schemas that may predate the OpenAPI extension: zod 4 copies methods
 * onto each instance at creation, so schemas built in @ragops/core before @hono/zod-openapi was first
 * imported lack `.openapi`. Calling the prototype's method works on any instance.
 */
export function named<S extends z.ZodType>(schema: S, meta: string | OpenApiMeta): S {
  const openapi = z.ZodType.prototype.openapi as (this: S, meta: string | OpenApiMeta) => S;
  return openapi.call(schema, meta);
}

/** A JSON response entry of a route's `responses`. */
export function jsonResponse<S extends z.ZodType>(description: string, schema: S) {
  return { description, content: { 'application/json': { schema } } } as const;
}

/** A required JSON request body. */
export function jsonBody<S extends z.ZodType>(schema: S, description?: string) {
  return { required: true, content: { 'application/json': { schema } }, ...(description ? { description } : {}) };
}

const errorResponse = (description: string) => jsonResponse(description, errorBodySchema);

/** The error responses every authenticated route may give, in the one error shape. */
export const COMMON_ERRORS = {
  400: errorResponse('invalid input: the message says what and where'),
  401: errorResponse('missing, invalid, expired or revoked bearer token'),
  403: errorResponse('the caller may see the object but lacks the privilege'),
  404: errorResponse('not found, or not visible to the caller'),
  409: errorResponse('conflict: already exists, or the change is refused (e.g. immutable version)'),
  413: errorResponse('request body too large'),
  500: errorResponse('internal error'),
} as const;

/** Security requirement of every /api route. */
export const BEARER = [{ bearerAuth: [] }];

/** A page of items and the opaque token of the next page (absent on the last page). */
export function pageSchema<S extends z.ZodType>(item: S, name: string) {
  return z.object({ items: z.array(item), nextPageToken: z.string().optional() }).openapi(name);
}

/** Paging query parameters of list routes. */
export const pageQuery = z.strictObject({
  pageSize: z.coerce.number().int().min(1).max(1000).optional().openapi({ description: 'items per page (≤ 1000)' }),
  pageToken: z.string().max(2000).optional().openapi({ description: 'nextPageToken of the previous page' }),
});

// Reuse core's name rules (not a copy): the issue messages are core's, the doc type stays a string.
function nameParam(rule: z.ZodType, example: string, description: string) {
  return z
    .string()
    .superRefine((value, ctx) => {
      const result = rule.safeParse(value);
      if (!result.success)
        for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
    })
    .openapi({ example, description });
}

/** `catalog.schema.name` in a path or body. */
export const threeLevelName = (example: string, description: string) =>
  nameParam(threeLevelNameSchema, example, description);

/** A serving endpoint's name in a path or body: core's rule, so a bad one is refused as everywhere else. */
export const endpointName = (example: string, description: string) =>
  nameParam(endpointNameSchema, example, description);

/** A positive version number in a path (path segments arrive as text). */
export const versionParam = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, 'must be a positive integer version number')
  .openapi({ example: '3', description: 'model version number' });
