import type { Pool, PoolClient } from 'pg';
import { ConfigError } from '../../errors/ragops-error.ts';
import type { AppliedMigration, MetadataStore, SqlExecutor, SqlRow, SqlValue } from '../metadata-store.ts';
import { readAppliedMigrations } from '../migrate.ts';
import { guardSqlParams } from '../sql/guard-sql-params.ts';
import {
  isRetryableTransactionError,
  redactUrl,
  toPostgresPlaceholders,
  translateSqlError,
} from '../sql/translate-sql-error.ts';

const MAX_TRANSACTION_ATTEMPTS = 5;

type Queryable = Pick<Pool, 'query'> | PoolClient;

function executor(q: Queryable): SqlExecutor {
  const query = async (sql: string, params: readonly SqlValue[] = []) => {
    try {
      return await q.query(toPostgresPlaceholders(sql), guardSqlParams(params) as SqlValue[]);
    } catch (error) {
      throw translateSqlError(error);
    }
  };
  return {
    dialect: 'postgres',
    all: async <T extends SqlRow>(sql: string, params?: readonly SqlValue[]) => (await query(sql, params)).rows as T[],
    get: async <T extends SqlRow>(sql: string, params?: readonly SqlValue[]) =>
      (await query(sql, params)).rows[0] as T | undefined,
    run: async (sql: string, params?: readonly SqlValue[]) => ({ changes: (await query(sql, params)).rowCount ?? 0 }),
    exec: async (sql: string) => {
      try {
        // No parameters: the simple query protocol, which accepts several statements.
        await q.query(sql);
      } catch (error) {
        throw translateSqlError(error);
      }
    },
  };
}

/**
 * The production metadata store: a pg Pool shared by the server's requests; many replicas may share
 * one database. Connection options (e.g. `?options=-c search_path=…`) come from the URL.
 */
export class PostgresMetadataStore implements MetadataStore {
  readonly dialect = 'postgres';
  readonly url: string;
  readonly #pool: Pool;
  readonly #direct: SqlExecutor;

  private constructor(url: string, pool: Pool) {
    this.url = redactUrl(url);
    this.#pool = pool;
    this.#direct = executor(pool);
  }

  /** Opens a pool (pg is imported here, lazily, so SQLite users never load it). */
  static async open(url: string, options: { maxConnections?: number } = {}): Promise<PostgresMetadataStore> {
    const pg = (await import('pg')).default;
    const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10 });
    // An idle client's error (server restart) must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    const store = new PostgresMetadataStore(url, pool);
    try {
      await store.get('SELECT 1 AS ok');
    } catch (error) {
      await pool.end();
      throw new ConfigError(`Cannot connect to the metadata store ${redactUrl(url)}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return store;
  }

  all<T extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.#direct.all<T>(sql, params);
  }
  get<T extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.#direct.get<T>(sql, params);
  }
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    return this.#direct.run(sql, params);
  }
  exec(sql: string): Promise<void> {
    return this.#direct.exec(sql);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.#pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(executor(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // The transaction's own error is the one to report; a failed ROLLBACK ends the session anyway.
        await client.query('ROLLBACK').catch(() => undefined);
        const cause = (error as { cause?: unknown }).cause ?? error;
        if (isRetryableTransactionError(cause) && attempt < MAX_TRANSACTION_ATTEMPTS) continue;
        throw error;
      } finally {
        client.release();
      }
    }
  }

  appliedMigrations(): Promise<AppliedMigration[]> {
    return readAppliedMigrations(this);
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
