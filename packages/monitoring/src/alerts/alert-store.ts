import type { SqlExecutor, SqlRow, SqlValue } from '@ragops/core';
import { z } from 'zod';
import { ALERT_STATES, type AlertState } from './evaluate-alert-rule.ts';

/** The stored state of one rule on one series. */
export type StoredAlertState = {
  rule: string;
  series: string;
  endpoint: string;
  state: AlertState;
  breachSince: string | null;
  value: number | null;
  changedAt: string;
  evaluatedAt: string;
};

export const ALERT_DELIVERIES = ['pending', 'delivered', 'failed', 'none'] as const;
export type AlertDelivery = (typeof ALERT_DELIVERIES)[number];

/** One transition (fired or resolved), with how its webhook delivery went. */
export type AlertEvent = {
  id: string;
  rule: string;
  series: string;
  endpoint: string;
  windowStart: string | null;
  state: 'firing' | 'resolved';
  value: number | null;
  /** The rule's condition as JSON text (what was breached). */
  condition: string;
  message: string;
  delivery: AlertDelivery;
  attempts: number;
  lastError: string | null;
  createdAt: string;
};

const num = (v: SqlValue | undefined) => (v === null || v === undefined ? null : Number(v));
const str = (v: SqlValue | undefined) => (v === null || v === undefined ? null : String(v));

function toState(row: SqlRow): StoredAlertState {
  return {
    rule: String(row.rule),
    series: String(row.series),
    endpoint: String(row.endpoint),
    state: z.enum(ALERT_STATES).parse(row.state),
    breachSince: str(row.breach_since),
    value: num(row.value),
    changedAt: String(row.changed_at),
    evaluatedAt: String(row.evaluated_at),
  };
}

function toEvent(row: SqlRow): AlertEvent {
  return {
    id: String(row.id),
    rule: String(row.rule),
    series: String(row.series),
    endpoint: String(row.endpoint),
    windowStart: str(row.window_start),
    state: z.enum(['firing', 'resolved']).parse(row.state),
    value: num(row.value),
    condition: String(row.condition),
    message: String(row.message),
    delivery: z.enum(ALERT_DELIVERIES).parse(row.delivery),
    attempts: Number(row.attempts),
    lastError: str(row.last_error),
    createdAt: String(row.created_at),
  };
}

export async function selectAlertStates(
  db: SqlExecutor,
  q: { rule?: string; endpoint?: string } = {},
): Promise<StoredAlertState[]> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (q.rule !== undefined) {
    where.push('rule = ?');
    params.push(q.rule);
  }
  if (q.endpoint !== undefined) {
    where.push('endpoint = ?');
    params.push(q.endpoint);
  }
  const rows = await db.all(
    `SELECT * FROM monitoring_alert_state ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY rule, series`,
    params,
  );
  return rows.map(toState);
}

export async function upsertAlertState(tx: SqlExecutor, s: StoredAlertState): Promise<void> {
  await tx.run(
    `INSERT INTO monitoring_alert_state (rule, series, endpoint, state, breach_since, value, changed_at, evaluated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (rule, series) DO UPDATE SET endpoint = excluded.endpoint,
     state = excluded.state, breach_since = excluded.breach_since, value = excluded.value,
     changed_at = excluded.changed_at, evaluated_at = excluded.evaluated_at`,
    [s.rule, s.series, s.endpoint, s.state, s.breachSince, s.value, s.changedAt, s.evaluatedAt],
  );
}

export async function insertAlertEvent(tx: SqlExecutor, e: AlertEvent): Promise<void> {
  await tx.run(
    `INSERT INTO monitoring_alert_events (id, rule, series, endpoint, window_start, state, value, condition, message,
       delivery, attempts, last_error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      e.id,
      e.rule,
      e.series,
      e.endpoint,
      e.windowStart,
      e.state,
      e.value,
      e.condition,
      e.message,
      e.delivery,
      e.attempts,
      e.lastError,
      e.createdAt,
    ],
  );
}

export async function updateAlertDelivery(
  db: SqlExecutor,
  id: string,
  d: { delivery: AlertDelivery; attempts: number; lastError: string | null },
): Promise<void> {
  await db.run('UPDATE monitoring_alert_events SET delivery = ?, attempts = ?, last_error = ? WHERE id = ?', [
    d.delivery,
    d.attempts,
    d.lastError,
    id,
  ]);
}

/** Events newest first, optionally of one endpoint. */
export async function selectAlertEvents(
  db: SqlExecutor,
  q: { endpoint?: string; limit: number },
): Promise<AlertEvent[]> {
  const rows = await db.all(
    `SELECT * FROM monitoring_alert_events ${q.endpoint === undefined ? '' : 'WHERE endpoint = ?'}
     ORDER BY created_at DESC, id DESC LIMIT ?`,
    [...(q.endpoint === undefined ? [] : [q.endpoint]), q.limit],
  );
  return rows.map(toEvent);
}
