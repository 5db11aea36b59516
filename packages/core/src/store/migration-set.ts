/** SQL for one migration: one text for both backends, or one per backend. */
export type MigrationSql = string | { sqlite: string; postgres: string };

/** One step of a module's schema, applied once, in version order, inside a transaction. */
export type Migration = { version: number; name: string; sql: MigrationSql };

/**
 * The migrations of one module (e.g. `registry`, `serving`), tracked in
 * `schema_migrations(module, version)`. Put each set in its own file under `store/migrations/`
 * exporting `migrationSet`; files there are discovered, so adding a module edits no shared file.
 */
export type MigrationSet = {
  module: string;
  /** Modules whose migrations must be applied first (their tables are referenced). */
  dependsOn?: readonly string[];
  migrations: readonly Migration[];
};
