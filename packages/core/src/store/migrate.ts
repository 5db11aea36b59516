import { readdir } from 'node:fs/promises';
import type { AppliedMigration, MetadataStore, SqlExecutor } from './metadata-store.ts';
import type { MigrationSet } from './migration-set.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
// Any constant: serialises concurrent migrators on one PostgreSQL database.
export const PG_MIGRATION_LOCK = 72_431_015;

/**
 * Every migration set under `store/migrations/` (each file exports `migrationSet`), ordered so that
 * a set comes after the sets it depends on.
 */
export async function discoverMigrationSets(): Promise<MigrationSet[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
  const sets: MigrationSet[] = [];
  for (const file of files) {
    const mod = (await import(new URL(file, MIGRATIONS_DIR).href)) as { migrationSet?: MigrationSet };
    if (!mod.migrationSet) throw new Error(`store/migrations/${file} must export migrationSet`);
    sets.push(mod.migrationSet);
  }
  return orderByDependencies(sets);
}

/** Topological order (dependencies first, then by module name); throws on unknown or cyclic deps. */
export function orderByDependencies(sets: readonly MigrationSet[]): MigrationSet[] {
  const byModule = new Map(sets.map((s) => [s.module, s]));
  const ordered: MigrationSet[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (set: MigrationSet) => {
    if (state.get(set.module) === 'done') return;
    if (state.get(set.module) === 'visiting')
      throw new Error(`migration sets depend on each other in a cycle at "${set.module}"`);
    state.set(set.module, 'visiting');
    for (const dep of set.dependsOn ?? []) {
      const d = byModule.get(dep);
      if (!d) throw new Error(`migration set "${set.module}" depends on unknown module "${dep}"`);
      visit(d);
    }
    state.set(set.module, 'done');
    ordered.push(set);
  };
  for (const set of [...sets].sort((a, b) => a.module.localeCompare(b.module))) visit(set);
  return ordered;
}

/**
 * Applies the migrations not yet recorded in `schema_migrations(module, version)`, in one write
 * transaction (so two processes opening one database at once apply each step exactly once).
 * A read-only look comes first and the write path is taken only when something is pending: every
 * CLI command and test opens the store, and the write transaction cost ~40 ms per open (SQLite's
 * BEGIN IMMEDIATE + COMMIT fsync; PostgreSQL's advisory lock), and it queued behind any writer.
 */
export async function applyMigrations(
  store: MetadataStore,
  sets: readonly MigrationSet[],
): Promise<AppliedMigration[]> {
  if (!(await hasPendingMigrations(store, sets))) return [];
  return store.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await tx.get('SELECT pg_advisory_xact_lock(?) AS locked', [PG_MIGRATION_LOCK]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      module TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL,
      PRIMARY KEY (module, version))`);
    const applied: AppliedMigration[] = [];
    for (const set of sets) {
      const done = new Set(
        (await tx.all<{ version: number }>('SELECT version FROM schema_migrations WHERE module = ?', [set.module])).map(
          (r) => Number(r.version),
        ),
      );
      const versions = [...set.migrations].sort((a, b) => a.version - b.version);
      for (const m of versions) {
        if (done.has(m.version)) continue;
        await tx.exec(typeof m.sql === 'string' ? m.sql : m.sql[tx.dialect]);
        const appliedAt = new Date().toISOString();
        await tx.run('INSERT INTO schema_migrations (module, version, name, applied_at) VALUES (?, ?, ?, ?)', [
          set.module,
          m.version,
          m.name,
          appliedAt,
        ]);
        applied.push({ module: set.module, version: m.version, name: m.name, appliedAt });
      }
    }
    return applied;
  });
}

/** Read-only: is any migration of `sets` missing from `schema_migrations` (or the table itself)? */
async function hasPendingMigrations(db: SqlExecutor, sets: readonly MigrationSet[]): Promise<boolean> {
  const table =
    db.dialect === 'postgres'
      ? await db.get("SELECT 1 AS present WHERE to_regclass('schema_migrations') IS NOT NULL")
      : await db.get("SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (!table) return true;
  const rows = await db.all<{ module: string; version: number }>('SELECT module, version FROM schema_migrations');
  const done = new Set(rows.map((r) => `${r.module}:${Number(r.version)}`));
  return sets.some((set) => set.migrations.some((m) => !done.has(`${set.module}:${m.version}`)));
}

/** The rows of `schema_migrations`, in module then version order. */
export async function readAppliedMigrations(db: SqlExecutor): Promise<AppliedMigration[]> {
  const rows = await db.all('SELECT module, version, name, applied_at FROM schema_migrations ORDER BY module, version');
  return rows.map((r) => ({
    module: String(r.module),
    version: Number(r.version),
    name: String(r.name),
    appliedAt: String(r.applied_at),
  }));
}
