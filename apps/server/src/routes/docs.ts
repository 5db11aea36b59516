import { swaggerUI } from '@hono/swagger-ui';
import { createRoute, z } from '@hono/zod-openapi';
import type { RagopsApp } from '../app-context.ts';

const openapiJson = createRoute({
  method: 'get',
  path: '/openapi.json',
  tags: ['docs'],
  summary: 'This API as an OpenAPI 3.1 document',
  responses: {
    200: {
      description: 'OpenAPI document',
      content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
    },
  },
});

const docsPage = createRoute({
  method: 'get',
  path: '/docs',
  tags: ['docs'],
  summary: 'Interactive API docs (Swagger UI; its scripts load from cdn.jsdelivr.net)',
  responses: { 200: { description: 'HTML page', content: { 'text/html': { schema: z.string() } } } },
});

/** Builds the OpenAPI 3.1 document from every route registered with `app.openapi(...)`. */
export function buildOpenApiDocument(app: RagopsApp): Record<string, unknown> {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token: `ragops tokens create`, or POST /api/v1/tokens',
  });
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'ragops',
      version: '0.1.0',
      description:
        'Registry, serving and operations API of ragops. Errors use one shape: `{ error: { code, message, details?, requestId } }`.',
    },
  }) as unknown as Record<string, unknown>;
}

/** `GET /openapi.json` and `GET /docs`. */
export function registerDocsRoutes(app: RagopsApp): void {
  let cached: Record<string, unknown> | undefined;
  // Routes are all registered before the first request, so the document is built once, lazily.
  app.openapi(openapiJson, (c) => {
    cached ??= buildOpenApiDocument(app);
    return c.json(cached, 200);
  });
  // swaggerUI() is a plain handler, so the page is documented by hand rather than through app.openapi().
  app.openAPIRegistry.registerPath(docsPage);
  app.get('/docs', swaggerUI({ url: '/openapi.json', title: 'ragops API' }));
}
