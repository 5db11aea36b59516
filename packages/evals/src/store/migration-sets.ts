import { discoverMigrationSets, type MigrationSet } from '@ragops/core';
import { evalsMigrationSet } from './evals-migrations.ts';

/**
 * Every module's migrations for a store the apps open: core's (registry, serving, …) then evals'.
 * @example const store = await openMetadataStore(url, { migrationSets: await allMigrationSets() })
 */
export async function allMigrationSets(): Promise<MigrationSet[]> {
  // discoverMigrationSets returns dependency order; evals depends only on registry, so it goes last.
  return [...(await discoverMigrationSets()), evalsMigrationSet];
}
