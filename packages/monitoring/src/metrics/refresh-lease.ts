import type { SqlExecutor } from '@ragops/core';

/** The lease row that lets one refresher at a time (across server replicas and the CLI) write the metric tables. */
export const REFRESH_LEASE = 'metrics-refresh';

/**
 * Takes the lease for `holder` until `now + ttlMs` when it is free, expired or already `holder`'s.
 * One conditional UPDATE, then an INSERT that a concurrent taker loses on the primary key: the
 * database decides, on both backends. Returns the current holder and expiry either way.
 */
export async function takeLease(
  db: SqlExecutor,
  args: { holder: string; now: Date; ttlMs: number },
): Promise<{ taken: boolean; holder: string; expiresAt: string }> {
  const now = args.now.toISOString();
  const expiresAt = new Date(args.now.getTime() + args.ttlMs).toISOString();
  const updated = await db.run(
    'UPDATE monitor_leases SET holder = ?, expires_at = ? WHERE name = ? AND (expires_at <= ? OR holder = ?)',
    [args.holder, expiresAt, REFRESH_LEASE, now, args.holder],
  );
  if (updated.changes === 0) {
    await db.run(
      'INSERT INTO monitor_leases (name, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING',
      [REFRESH_LEASE, args.holder, expiresAt],
    );
  }
  const row = await db.get<{ holder: string; expires_at: string }>(
    'SELECT holder, expires_at FROM monitor_leases WHERE name = ?',
    [REFRESH_LEASE],
  );
  const holder = String(row?.holder);
  return { taken: holder === args.holder, holder, expiresAt: String(row?.expires_at) };
}

/** Whether `holder` still holds the lease (checked inside the write transaction before metric rows change). */
export async function holdsLease(tx: SqlExecutor, args: { holder: string; now: Date }): Promise<boolean> {
  const row = await tx.get('SELECT holder FROM monitor_leases WHERE name = ? AND holder = ? AND expires_at > ?', [
    REFRESH_LEASE,
    args.holder,
    args.now.toISOString(),
  ]);
  return row !== undefined;
}

/** Gives the lease up (expires it now) when `holder` has it. */
export async function releaseLease(db: SqlExecutor, args: { holder: string; now: Date }): Promise<void> {
  await db.run('UPDATE monitor_leases SET expires_at = ? WHERE name = ? AND holder = ?', [
    args.now.toISOString(),
    REFRESH_LEASE,
    args.holder,
  ]);
}
