import { findEndpoint, type MetadataStore, mayUseEndpoint, type Principal, parseInput } from '@ragops/core';
import { z } from 'zod';
import { readableEndpoint } from '../access/readable-endpoint.ts';
import { type AlertEvent, type StoredAlertState, selectAlertEvents, selectAlertStates } from './alert-store.ts';

const listAlertsQuerySchema = z.strictObject({
  endpoint: z.string().min(1).max(100).optional(),
  state: z.enum(['ok', 'firing']).optional(),
  /** Events (history) returned, newest first. */
  events: z.number().int().min(0).max(1000).default(50),
});
export type ListAlertsQuery = z.input<typeof listAlertsQuerySchema>;

export type AlertsView = { alerts: StoredAlertState[]; events: AlertEvent[] };

/**
 * Alert state (per rule × series) and history, for `ragops monitor alerts`, REST and the console.
 * Only endpoints the actor may READ (every model they serve) are shown; naming one it may not read
 * throws PermissionDeniedError, an unknown or invisible one NotFoundError. Alerts of deleted endpoints are
 * shown to admins only.
 * @example const { alerts } = await listAlerts({ store, actor }, { state: 'firing' })
 */
export async function listAlerts(
  ctx: { store: MetadataStore; actor: Principal },
  query: ListAlertsQuery = {},
): Promise<AlertsView> {
  const q = parseInput(listAlertsQuerySchema, query, 'alerts query');
  if (q.endpoint !== undefined) await readableEndpoint(ctx, q.endpoint);
  const states = await selectAlertStates(ctx.store, q.endpoint === undefined ? {} : { endpoint: q.endpoint });
  // Read-filtering happens in TypeScript over the (config-bounded: ≤ 200 rules) state rows; events
  // are over-fetched so that filtering out unreadable endpoints still fills the page.
  const events =
    q.events === 0
      ? []
      : await selectAlertEvents(ctx.store, {
          ...(q.endpoint !== undefined && { endpoint: q.endpoint }),
          limit: q.events * 4,
        });
  const readable = new Map<string, boolean>();
  const mayRead = async (name: string) => {
    let ok = readable.get(name);
    if (ok === undefined) {
      const endpoint = await findEndpoint(ctx.store, name);
      ok = endpoint
        ? await mayUseEndpoint({ store: ctx.store, actor: ctx.actor, endpoint, privilege: 'READ' })
        : ctx.actor.isAdmin;
      readable.set(name, ok);
    }
    return ok;
  };
  const alerts: StoredAlertState[] = [];
  for (const s of states)
    if ((q.state === undefined || s.state === q.state) && (await mayRead(s.endpoint))) alerts.push(s);
  const shown: AlertEvent[] = [];
  for (const e of events) if (shown.length < q.events && (await mayRead(e.endpoint))) shown.push(e);
  return { alerts, events: shown };
}
