import { discoverMigrationSets, type MigrationSet } from '@ragops/core';
import { gateMigrationSet } from '../gate/gate-migrations.ts';
import { evalsMigrationSet } from './evals-migrations.ts';

/**
 * Every module's migrations for a store the apps open: core's (registry, serving, …) then evals'.
 * @example const store = await openMetadataStore(url, { migrationSets: await allMigrationSets() })
 */
export async function allMigrationSets(): Promise<MigrationSet[]> {
  // discoverMigrationSets returns dependency order; evals depends only on registry, the gate on evals.
  return [...(await discoverMigrationSets()), evalsMigrationSet, gateMigrationSet];
}
