import { authorizeIndexRead, type MetadataStore, type Principal, resolveModelUri } from '@ragops/core';
import type { ChainVersion } from '@ragops/rag';

// The caller's own privileges, checked on every call (not cached: a revoked grant takes effect on the
// next call, as in the CLI; the server caches EXECUTE checks for `stalenessMs` because it answers
// thousands of requests a second). The registry's access rules decide, nothing is re-written here.

/**
 * The version `uri` names now, if `principal` holds `privilege` on its model (READ to retrieve,
 * EXECUTE to run). Throws NotFoundError for a model the principal may not see (same message as an
 * unknown one) and PermissionDeniedError naming what is missing for one it may see.
 */
export async function authorizedVersion(input: {
  store: MetadataStore;
  principal: Principal;
  uri: string;
  privilege: 'READ' | 'EXECUTE';
}): Promise<ChainVersion> {
  const v = await resolveModelUri({
    store: input.store,
    actor: input.principal,
    uri: input.uri,
    privilege: input.privilege,
  });
  return { modelName: v.fullName, version: v.version, package: v.package };
}

/**
 * Throws unless `principal` may read index `name` (READ on its schema with USE_CATALOG and
 * USE_SCHEMA): NotFoundError when the schema is invisible to it, PermissionDeniedError otherwise.
 */
export async function authorizeIndex(input: {
  store: MetadataStore;
  principal: Principal;
  name: string;
}): Promise<void> {
  await authorizeIndexRead({ store: input.store, actor: input.principal, index: input.name });
}
