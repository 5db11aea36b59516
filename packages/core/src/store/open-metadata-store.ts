import { ConfigError } from '../errors/ragops-error.ts';
import type { MetadataStore } from './metadata-store.ts';
import { applyMigrations, discoverMigrationSets } from './migrate.ts';
import type { MigrationSet } from './migration-set.ts';

/**
 * Opens the metadata store named by `url` and applies pending migrations:
 * `sqlite:<path>` (embedded; e.g. `sqlite:.ragops/ragops.db`) or `postgres://user@host:port/db`.
 * `migrationSets` defaults to every set under `store/migrations/`. Close it with `close()`.
 * @example const store = await openMetadataStore(`sqlite:${home}/ragops.db`)
 */
export async function openMetadataStore(
  url: string,
  options: { migrationSets?: readonly MigrationSet[] } = {},
): Promise<MetadataStore> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  let store: MetadataStore;
  switch (scheme) {
    case 'sqlite':
      store = (await import('./sqlite/sqlite-metadata-store.ts')).SqliteMetadataStore.open(url);
      break;
    case 'postgres':
    case 'postgresql':
      // Imported lazily so the CLI never loads a PostgreSQL driver it won't use.
      store = await (await import('./postgres/postgres-metadata-store.ts')).PostgresMetadataStore.open(url);
      break;
    default:
      throw new ConfigError(`Unsupported metadata store URL "${url}". Use sqlite:<path> or postgres://<host>/<db>.`);
  }
  try {
    await applyMigrations(store, options.migrationSets ?? (await discoverMigrationSets()));
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/** The default store URL for a RAGOPS_HOME: `sqlite:<home>/ragops.db`. */
export function defaultMetadataUrl(home: string): string {
  return `sqlite:${home.replace(/\/+$/, '')}/ragops.db`;
}
