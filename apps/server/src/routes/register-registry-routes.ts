import type { AppContext, RagopsApp } from '../app-context.ts';
import { registerAliasRoutes } from './aliases.ts';
import { registerAuditRoutes } from './audit.ts';
import { registerCatalogRoutes } from './catalogs.ts';
import { registerGrantRoutes } from './grants.ts';
import { registerIndexBuildRoutes } from './index-builds.ts';
import { registerLineageRoutes } from './lineage.ts';
import { registerModelRoutes } from './models.ts';
import { registerPrincipalRoutes } from './principals.ts';
import { registerTokenRoutes } from './tokens.ts';
import { registerVersionRoutes } from './versions.ts';

/** Registers every registry REST route under API_BASE, one module per resource. */
export function registerRegistryRoutes(app: RagopsApp, ctx: AppContext): void {
  registerCatalogRoutes(app, ctx);
  registerModelRoutes(app, ctx);
  registerVersionRoutes(app, ctx);
  registerAliasRoutes(app, ctx);
  registerLineageRoutes(app, ctx);
  registerPrincipalRoutes(app, ctx);
  registerTokenRoutes(app, ctx);
  registerGrantRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerIndexBuildRoutes(app, ctx);
}
