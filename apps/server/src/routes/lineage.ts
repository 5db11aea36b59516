import { createRoute, z } from '@hono/zod-openapi';
import { getLineage, pinnedIndexSchema } from '@ragops/core';
import { indexBuildLineage } from '@ragops/rag';
import type { AppContext, RagopsApp } from '../app-context.ts';
import { API_BASE } from './api-base.ts';
import { BEARER, COMMON_ERRORS, jsonResponse, readContext } from './route-helpers.ts';

const LineageSchema = z
  .object({
    uri: z.string(),
    packageSha256: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
    upstream: z.object({
      index: pinnedIndexSchema.extend({
        build: z
          .object({
            documents: z.array(z.object({ id: z.string(), sha256: z.string() })),
            builtAt: z.string().optional(),
            gitCommit: z.string().optional(),
            source: z.string().optional(),
          })
          .nullable(),
        buildHidden: z.string().nullable().openapi({
          description: 'why the build (document list, source path) is left out: the caller may not read the index',
        }),
      }),
      prompt: z.object({ name: z.string(), path: z.string(), sha256: z.string() }),
      gitCommit: z.string().nullable(),
      specSource: z.string().nullable(),
      copiedFrom: z.array(z.string()),
    }),
    downstream: z.object({
      aliases: z.array(z.string()),
      copies: z.array(z.string()),
      hiddenCopies: z.number().int().openapi({ description: 'copies in models the caller may not read' }),
      links: z.array(
        z.object({
          kind: z.string().openapi({ example: 'endpoint' }),
          ref: z.string().openapi({ example: 'docs-qa' }),
          relation: z.string().openapi({ example: 'serves' }),
          createdAt: z.string(),
          via: z.string().optional().openapi({ description: 'the alias the link goes through', example: 'champion' }),
        }),
      ),
    }),
  })
  .openapi('Lineage');

const get = createRoute({
  method: 'get',
  path: `${API_BASE}/lineage`,
  tags: ['lineage'],
  summary: "A model version's lineage in both directions (needs READ)",
  description:
    'Upstream: pinned index version and its source documents (only when the caller may read the index), prompt file + hash, git commit, copy chain. Downstream: aliases, copies the caller may read, endpoints (also through an alias: `via`), eval runs.',
  security: BEARER,
  request: {
    query: z.strictObject({
      uri: z.string().min(1).openapi({ example: 'models:/dev.support.docs_qa@champion', description: 'model URI' }),
    }),
  },
  responses: { 200: jsonResponse('lineage', LineageSchema), ...COMMON_ERRORS },
});

/** Lineage of a model version. */
export function registerLineageRoutes(app: RagopsApp, ctx: AppContext): void {
  // The pinned build's document manifest, when the build record is on this machine.
  const resolveIndexBuild = indexBuildLineage(ctx.config.home);
  app.openapi(get, async (c) =>
    c.json(await getLineage({ ...readContext(c, ctx), uri: c.req.valid('query').uri, resolveIndexBuild }), 200),
  );
}
