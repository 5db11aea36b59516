import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../../errors/ragops-error.ts';
import type { AppliedMigration, MetadataStore, SqlExecutor, SqlRow, SqlValue } from '../metadata-store.ts';
import { readAppliedMigrations } from '../migrate.ts';
import { guardSqlParams } from '../sql/guard-sql-params.ts';
import { isRetryableTransactionError, translateSqlError } from '../sql/translate-sql-error.ts';
import { AsyncMutex } from './async-mutex.ts';

/** How long a statement waits for another process's write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 15_000;
const MAX_TRANSACTION_ATTEMPTS = 5;

/** The file path of a `sqlite:<path>` URL (relative paths resolve against the working directory). */
export function sqlitePathFromUrl(url: string): string {
  const rest = url.replace(/^sqlite:(\/\/)?/, '');
  if (rest === '') throw new ConfigError(`"${url}" names no file: use sqlite:<path>, e.g. sqlite:.ragops/ragops.db`);
  return resolve(decodeURIComponent(rest));
}

/**
 * The embedded metadata store: one SQLite file in WAL mode, safe for the server and the CLI at once.
 * Writers use BEGIN IMMEDIATE (taking the write lock up front, so two processes never deadlock on a
 * read→write upgrade) and wait up to the busy timeout; one connection per process, with an in-process
 * mutex so async callers never interleave inside one transaction.
 */
export class SqliteMetadataStore implements MetadataStore {
  readonly dialect = 'sqlite';
  readonly url: string;
  readonly #db: DatabaseSync;
  readonly #mutex = new AsyncMutex();
  readonly #statements = new Map<string, StatementSync>();
  readonly #direct: SqlExecutor;
  /** Set inside this store's transaction callback: calls on the store itself then join the transaction. */
  readonly #inTransaction = new AsyncLocalStorage<boolean>();

  private constructor(url: string, db: DatabaseSync) {
    this.url = url;
    this.#db = db;
    this.#direct = {
      dialect: 'sqlite',
      all: async <T extends SqlRow>(sql: string, params: readonly SqlValue[] = []) =>
        this.#call(() => this.#prepare(sql).all(...guardSqlParams(params)) as T[]),
      get: async <T extends SqlRow>(sql: string, params: readonly SqlValue[] = []) =>
        this.#call(() => this.#prepare(sql).get(...guardSqlParams(params)) as T | undefined),
      run: async (sql: string, params: readonly SqlValue[] = []) =>
        this.#call(() => ({ changes: Number(this.#prepare(sql).run(...guardSqlParams(params)).changes) })),
      exec: async (sql: string) => this.#call(() => this.#db.exec(sql)),
    };
  }

  /** Opens (creating the file and its folder if needed) with WAL, busy timeout and foreign keys on. */
  static open(url: string): SqliteMetadataStore {
    const path = sqlitePathFromUrl(url);
    mkdirSync(dirname(path), { recursive: true });
    const db = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS });
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Switching to WAL needs a moment of exclusive access; another process may hold the file.
    retrySync(() => db.exec('PRAGMA journal_mode = WAL'));
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA foreign_keys = ON');
    return new SqliteMetadataStore(url, db);
  }

  #prepare(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #call<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw translateSqlError(error);
    }
  }

  // Outside a transaction, wait for the mutex; inside this store's transaction (same async context),
  // run directly so a callback that uses the store instead of `tx` joins it instead of deadlocking.
  #serial<T>(task: () => Promise<T>): Promise<T> {
    return this.#inTransaction.getStore() ? task() : this.#mutex.run(task);
  }

  all<T extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.#serial(() => this.#direct.all<T>(sql, params));
  }
  get<T extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.#serial(() => this.#direct.get<T>(sql, params));
  }
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    return this.#serial(() => this.#direct.run(sql, params));
  }
  exec(sql: string): Promise<void> {
    return this.#serial(() => this.#direct.exec(sql));
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    if (this.#inTransaction.getStore()) {
      // SQLite has no nested BEGIN; waiting for the mutex here would wait for ourselves forever.
      return Promise.reject(
        new Error('transaction() called inside a transaction of the same store; use the tx argument'),
      );
    }
    return this.#mutex.run(async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          this.#db.exec('BEGIN IMMEDIATE');
        } catch (error) {
          if (isRetryableTransactionError(error) && attempt < MAX_TRANSACTION_ATTEMPTS) {
            await sleep(20 * attempt + Math.random() * 50);
            continue;
          }
          throw translateSqlError(error);
        }
        try {
          const result = await this.#inTransaction.run(true, () => fn(this.#direct));
          this.#db.exec('COMMIT');
          return result;
        } catch (error) {
          if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
          if (isRetryableTransactionError(error) && attempt < MAX_TRANSACTION_ATTEMPTS) {
            await sleep(20 * attempt + Math.random() * 50);
            continue;
          }
          throw error;
        }
      }
    });
  }

  appliedMigrations(): Promise<AppliedMigration[]> {
    return readAppliedMigrations(this);
  }

  async close(): Promise<void> {
    await this.#mutex.run(async () => {
      this.#statements.clear();
      if (this.#db.isOpen) this.#db.close();
    });
  }
}

function retrySync(fn: () => void): void {
  for (let attempt = 1; ; attempt++) {
    try {
      fn();
      return;
    } catch (error) {
      if (!isRetryableTransactionError(error) || attempt >= MAX_TRANSACTION_ATTEMPTS) throw translateSqlError(error);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50 * attempt);
    }
  }
}
