import { parseInput } from '../errors/parse-input.ts';
import { PermissionDeniedError } from '../errors/ragops-error.ts';
import { nowIso } from '../registry/service-context.ts';
import type { MetadataStore, SqlExecutor, SqlRow } from '../store/metadata-store.ts';
import { paginate } from '../store/page-token.ts';
import { type AuditEntry, type AuditQuery, auditQuerySchema, type Principal } from './governance-schemas.ts';

/** One mutation to record. Write it in the same transaction as the mutation itself. */
export type AuditRecord = {
  actor: Principal;
  requestId: string;
  action: string;
  objectType: string;
  objectName: string;
  before?: unknown;
  after?: unknown;
  details?: Record<string, unknown>;
};

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));

/** Appends one audit row (who, action, object, before/after summary, time, request id). */
export async function writeAudit(tx: SqlExecutor, record: AuditRecord): Promise<void> {
  await tx.run(
    `INSERT INTO audit_log (at, principal, action, object_type, object_name, request_id, before_json, after_json, details_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      nowIso(),
      record.actor.name,
      record.action,
      record.objectType,
      record.objectName,
      record.requestId,
      json(record.before),
      json(record.after),
      json(record.details),
    ],
  );
}

function toEntry(row: SqlRow): AuditEntry {
  const parse = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as unknown) : null);
  return {
    id: String(row.seq),
    at: String(row.at),
    principal: String(row.principal),
    action: String(row.action),
    objectType: String(row.object_type),
    objectName: String(row.object_name),
    requestId: String(row.request_id),
    before: parse(row.before_json),
    after: parse(row.after_json),
    details: parse(row.details_json) as Record<string, unknown> | null,
  };
}

/**
 * Audit rows, oldest first, filtered by time (`since`/`until`, ISO) and principal/action/object.
 * Admins only (PermissionDeniedError otherwise).
 */
export async function listAudit(input: {
  store: MetadataStore;
  actor: Principal;
  query?: AuditQuery;
}): Promise<{ items: AuditEntry[]; nextPageToken?: string }> {
  if (!input.actor.isAdmin) throw new PermissionDeniedError('only an admin may read the audit log');
  const q = parseInput(auditQuerySchema, input.query ?? {}, 'audit query');
  const where: string[] = [];
  const params: (string | number)[] = [];
  const add = (clause: string, value: string | undefined) => {
    if (value === undefined) return;
    where.push(clause);
    params.push(value);
  };
  add('at >= ?', q.since === undefined ? undefined : new Date(q.since).toISOString());
  add('at < ?', q.until === undefined ? undefined : new Date(q.until).toISOString());
  add('principal = ?', q.principal);
  add('action = ?', q.action);
  add('object_name = ?', q.objectName);
  const sql = `SELECT * FROM audit_log${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT ? OFFSET ?`;
  return paginate(q, async (limit, offset) => (await input.store.all(sql, [...params, limit, offset])).map(toEntry));
}
