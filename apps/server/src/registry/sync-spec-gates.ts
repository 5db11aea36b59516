import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  LOCAL_ADMIN_PRINCIPAL,
  loadRagopsSpec,
  type MetadataStore,
  RagopsError,
  readPrincipal,
  syncAliasGates,
} from '@ragops/core';
import type { ServerLogger } from '../logger.ts';

/**
 * Makes the store's gates equal to the spec's `gates:` at startup (ragops.yaml is the source of truth,
 * as the CLI syncs it before every alias move), so a server started on a new spec — a deploy — refuses
 * plain moves of the aliases it gates and decides promotions by its policies, before any CLI ran.
 * A model the store does not have yet is skipped (a gate belongs to a model; the first `promote` or
 * `pipeline run` after registering syncs it). Written as the local admin, audited as `alias_gate.set`.
 */
export async function syncSpecGates(input: {
  store: MetadataStore;
  specPath: string | undefined;
  logger: ServerLogger;
}): Promise<void> {
  const file = input.specPath ?? (existsSync('ragops.yaml') ? resolve('ragops.yaml') : undefined);
  if (file === undefined) return;
  const loaded = await loadRagopsSpec(file);
  const gates = loaded.spec.gates ?? {};
  if (Object.keys(gates).length === 0) return;
  const actor = await readPrincipal(input.store, LOCAL_ADMIN_PRINCIPAL);
  for (const [model, aliases] of Object.entries(gates)) {
    try {
      const changed = await syncAliasGates({
        store: input.store,
        actor,
        requestId: 'server-startup',
        model,
        aliases,
        source: loaded.path,
      });
      if (changed.length) input.logger.info({ model, aliases: changed, spec: loaded.path }, 'gates synced');
    } catch (error) {
      if (!RagopsError.isInstance(error) || error.code !== 'not_found') throw error;
      input.logger.info({ model, spec: loaded.path }, 'gates not synced: the model is not registered yet');
    }
  }
}
