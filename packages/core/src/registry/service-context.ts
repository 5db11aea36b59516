import type { Principal } from '../governance/governance-schemas.ts';
import type { MetadataStore } from '../store/metadata-store.ts';

/**
 * What every registry and governance service function takes: the store, the acting principal
 * (from `authenticate`, or the local admin in the CLI) and the request id written to audit rows.
 */
export type ServiceContext = { store: MetadataStore; actor: Principal; requestId: string };

/** The current time as the ISO-8601 text stored in every time column. */
export function nowIso(): string {
  return new Date().toISOString();
}
