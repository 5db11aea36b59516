/** A value bound to or read from SQL. Booleans are stored as 0/1, times as ISO-8601 text, JSON as text. */
export type SqlValue = string | number | null;
export type SqlRow = Record<string, SqlValue>;

/**
 * Runs portable SQL: `?` placeholders (translated to `$n` on PostgreSQL), no `?` elsewhere in the text.
 * A unique-key violation is thrown as ConflictError; other database failures as plain Errors with cause.
 */
export interface SqlExecutor {
  readonly dialect: 'sqlite' | 'postgres';
  all<T extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Runs a statement; returns how many rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /** Runs a script of several `;`-separated statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** One applied migration, as recorded in `schema_migrations`. */
export type AppliedMigration = { module: string; version: number; name: string; appliedAt: string };

/**
 * The metadata store (registry, governance, audit; later endpoints, inference rows, feedback, evals):
 * a narrow SQL interface with one class per backend (SQLite, PostgreSQL). Domain rules live in the
 * registry/governance modules and are written once in portable SQL over this interface.
 */
export interface MetadataStore extends SqlExecutor {
  /** The URL it was opened with, password removed. */
  readonly url: string;
  /**
   * Runs `fn` in one write transaction (SQLite: BEGIN IMMEDIATE, so two processes never deadlock on
   * lock upgrade; busy waits up to the busy timeout). Commits when `fn` resolves, rolls back when it
   * throws, and rethrows. Do not call the store itself inside `fn`; use `tx`.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Migrations applied to this database, in order. */
  appliedMigrations(): Promise<AppliedMigration[]>;
  close(): Promise<void>;
}
