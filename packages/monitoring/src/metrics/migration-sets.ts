import type { MigrationSet } from '@ragops/core';
import { allMigrationSets } from '@ragops/evals';
import { monitoringMigrationSet } from './monitoring-migrations.ts';

/**
 * Every module's migrations for a store the apps open: core's and evals' (`allMigrationSets`), then
 * monitoring's, which reads the inference table and feedback.
 * @example const store = await openMetadataStore(url, { migrationSets: await ragopsMigrationSets() })
 */
export async function ragopsMigrationSets(): Promise<MigrationSet[]> {
  return [...(await allMigrationSets()), monitoringMigrationSet];
}
