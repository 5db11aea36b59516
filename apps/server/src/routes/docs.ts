import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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
  summary: 'Interactive API docs (Swagger UI, served from this server: works with no network)',
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

// Swagger UI's files, from the swagger-ui-dist package in node_modules (no CDN: the page must work
// offline). Only these are served; each is read once and kept (about 1.5 MB in all).
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};
const assetDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const docsAsset = createRoute({
  method: 'get',
  path: '/docs/assets/{file}',
  tags: ['docs'],
  summary: "The docs page's scripts, styles and icon (from the swagger-ui-dist package)",
  request: { params: z.object({ file: z.string().openapi({ example: 'swagger-ui-bundle.js' }) }) },
  responses: {
    200: { description: 'the file' },
    404: { description: 'not one of the page assets' },
  },
});

const DOCS_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>ragops API</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
    <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script>
      window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });
    </script>
  </body>
</html>
`;

/** `GET /openapi.json` and `GET /docs` (with its assets); `GET /` belongs to the console. */
export function registerDocsRoutes(app: RagopsApp): void {
  let cached: Record<string, unknown> | undefined;
  // Routes are all registered before the first request, so the document is built once, lazily.
  app.openapi(openapiJson, (c) => {
    cached ??= buildOpenApiDocument(app);
    return c.json(cached, 200);
  });
  // Plain handlers (HTML and files), so the pages are documented by hand rather than through app.openapi().
  app.openAPIRegistry.registerPath(docsPage);
  app.get('/docs', (c) => c.html(DOCS_HTML));
  const files = new Map<string, Promise<Uint8Array>>();
  app.openAPIRegistry.registerPath(docsAsset);
  app.get('/docs/assets/:file', async (c) => {
    const file = c.req.param('file');
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (type === undefined) return c.notFound();
    let bytes = files.get(file);
    if (!bytes) {
      bytes = readFile(join(assetDir, file));
      files.set(file, bytes);
      bytes.catch(() => files.delete(file)); // a failed read is retried by the next request
    }
    return c.body(new Uint8Array(await bytes), 200, {
      'content-type': type,
      'cache-control': 'public, max-age=86400',
    });
  });
}
