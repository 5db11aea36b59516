import type { MigrationSet } from '@ragops/core';
import { allMigrationSets } from '@ragops/evals';
import { monitoringOpsMigrationSet } from '../store/monitoring-ops-migrations.ts';
import { monitoringMigrationSet } from './monitoring-migrations.ts';

/**
 * Every module's migrations for a store the apps open: core's and evals' (`allMigrationSets`), then
 * monitoring's metric tables (they read the inference table and feedback), then `monitoring_ops`
 * (drift, online judging, alerts), which writes beside them.
 * @example const store = await openMetadataStore(url, { migrationSets: await ragopsMigrationSets() })
 */
export async function ragopsMigrationSets(): Promise<MigrationSet[]> {
  return [...(await allMigrationSets()), monitoringMigrationSet, monitoringOpsMigrationSet];
}
