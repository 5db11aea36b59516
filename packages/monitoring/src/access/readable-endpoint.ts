import { type Endpoint, endpointAccessDenial, getEndpoint, type MetadataStore, type Principal } from '@ragops/core';

/**
 * The endpoint when `actor` may READ it (READ on every model it serves), the one check every
 * monitoring read (metrics, drift, alerts, split test; CLI, REST, console) makes. NotFoundError when
 * the actor can see none of it (as getEndpoint: an invisible endpoint is not confirmed to exist),
 * PermissionDeniedError naming what is missing when it may see but not READ it.
 * @example const endpoint = await readableEndpoint({ store, actor }, 'docs')
 */
export async function readableEndpoint(
  ctx: { store: MetadataStore; actor: Principal },
  name: string,
): Promise<Endpoint> {
  const endpoint = await getEndpoint({ store: ctx.store, actor: ctx.actor, name });
  const denial = await endpointAccessDenial({ store: ctx.store, actor: ctx.actor, endpoint, privilege: 'READ' });
  if (denial) throw denial;
  return endpoint;
}
