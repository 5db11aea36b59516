import { ConflictError } from '../../errors/ragops-error.ts';

/**
 * Turns a backend error into ours: unique-key and foreign-key violations become ConflictError
 * (as mlflow turns IntegrityError into RESOURCE_ALREADY_EXISTS); anything else is returned as is.
 */
export function translateSqlError(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const e = error as { errcode?: unknown; code?: unknown; message?: unknown; detail?: unknown };
  // node:sqlite: extended result codes. 2067 UNIQUE, 1555 PRIMARYKEY, 787 FOREIGNKEY.
  // PostgreSQL SQLSTATE: 23505 unique_violation, 23503 foreign_key_violation.
  if (e.errcode === 2067 || e.errcode === 1555 || e.code === '23505') {
    return new ConflictError(`already exists (${String(e.detail ?? e.message)})`, { cause: error });
  }
  // A guard trigger (RAISE(ABORT) = SQLITE_CONSTRAINT_TRIGGER 1811; our SQLSTATE RG001): refused change.
  if (e.errcode === 1811 || e.code === 'RG001') {
    return new ConflictError(String(e.message).replace(/^.*?: /, ''), { cause: error });
  }
  if (e.errcode === 787 || e.code === '23503') {
    return new ConflictError(`references a missing object or is still referenced (${String(e.detail ?? e.message)})`, {
      cause: error,
    });
  }
  return error;
}

/** Whether a failed transaction may simply be run again (lock contention, deadlock, serialization). */
export function isRetryableTransactionError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { errcode?: unknown; code?: unknown };
  // SQLITE_BUSY (5) and its extended codes (5 + n*256); SQLITE_LOCKED (6).
  if (typeof e.errcode === 'number' && ((e.errcode & 0xff) === 5 || (e.errcode & 0xff) === 6)) return true;
  return e.code === '40001' || e.code === '40P01';
}

/** Rewrites `?` placeholders to PostgreSQL's `$1, $2, …`. Our SQL never has `?` in literals. */
export function toPostgresPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}
