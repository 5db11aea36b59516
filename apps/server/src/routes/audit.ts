import { createRoute } from '@hono/zod-openapi';
import { auditEntrySchema, auditQuerySchema, listAudit } from '@ragops/core';
import type { AppContext, RagopsApp } from '../app-context.ts';
import { API_BASE } from './api-base.ts';
import { BEARER, COMMON_ERRORS, jsonResponse, named, pageSchema, readContext } from './route-helpers.ts';

const list = createRoute({
  method: 'get',
  path: `${API_BASE}/audit`,
  tags: ['audit'],
  summary: 'Audit rows, oldest first: who did what to which object, when, with which request id (admin)',
  security: BEARER,
  request: { query: named(auditQuerySchema, 'AuditQuery') },
  responses: {
    200: jsonResponse('audit rows', pageSchema(named(auditEntrySchema, 'AuditEntry'), 'AuditEntryPage')),
    ...COMMON_ERRORS,
  },
});

/** The audit log. */
export function registerAuditRoutes(app: RagopsApp, ctx: AppContext): void {
  app.openapi(list, async (c) => c.json(await listAudit({ ...readContext(c, ctx), query: c.req.valid('query') }), 200));
}
