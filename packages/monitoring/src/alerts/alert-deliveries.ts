import type { Logger, MetadataStore } from '@ragops/core';
import type { AlertRule, Webhook } from './alert-config.ts';
import { type AlertEvent, updateAlertDelivery } from './alert-store.ts';
import { deliverWebhook, type WebhookDelivery } from './deliver-webhook.ts';

/**
 * Deliveries in flight to one receiver at once. Receivers are served side by side, each in its own
 * lane, so a slow or dead one holds up only its own deliveries, and none gets more than this many
 * requests at once from one evaluation.
 */
export const DELIVERIES_PER_WEBHOOK = 4;

/** Runs jobs at most `limit` at a time, in the order given. */
function lane(limit: number): <T>(job: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (job) => {
    // A finishing job hands its slot to the next waiter, so a newcomer can never take it in between.
    if (active < limit) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await job();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

export type AlertDeliveries = {
  /** Starts delivering `event` to the rule's webhooks; its row and the event get the outcome when all are done. */
  deliver(rule: AlertRule, event: AlertEvent): void;
  /** Waits for every delivery started, then throws the first store error among them, if any. */
  settled(): Promise<void>;
};

/**
 * The webhook deliveries of one evaluation: each event to each of its rule's webhooks (retried and
 * signed by deliverWebhook, every attempt with its own timeout), DELIVERIES_PER_WEBHOOK at a time
 * per webhook. Events of one evaluation may reach a receiver in any order; a series has at most one
 * transition per evaluation, and evaluateAlerts returns only once its deliveries settled (the
 * server's evaluator runs one evaluation at a time), so a series' transitions arrive in order.
 */
export function createAlertDeliveries(options: {
  store: MetadataStore;
  webhooks: readonly Webhook[];
  logger: Logger;
  fetch?: typeof fetch;
}): AlertDeliveries {
  const lanes = new Map(options.webhooks.map((w) => [w.name, lane(DELIVERIES_PER_WEBHOOK)]));
  const started: Promise<void>[] = [];
  const errors: unknown[] = [];

  const deliverEvent = async (rule: AlertRule, event: AlertEvent): Promise<void> => {
    const targets = options.webhooks.filter((w) => rule.webhooks === undefined || rule.webhooks.includes(w.name));
    // What the receiver gets: the transition and the rule, not our delivery bookkeeping.
    const { delivery: _d, attempts: _a, lastError: _e, id, ...transition } = event;
    const payload = {
      deliveryId: id,
      ...transition,
      metric: rule.metric,
      window: rule.window,
      condition: rule.condition,
    };
    const results: WebhookDelivery[] = await Promise.all(
      targets.map((hook) =>
        lanes.get(hook.name)!(() => deliverWebhook(hook, payload, { ...(options.fetch && { fetch: options.fetch }) })),
      ),
    );
    let attempts = 0;
    let lastError: string | null = null;
    // In the rule's webhook order, whichever finished first: the last failure named is the same every time.
    for (const [i, result] of results.entries()) {
      attempts += result.attempts;
      if (result.delivered) continue;
      lastError = `${targets[i]!.name}: ${result.lastError}`;
      options.logger.error('alert webhook failed', {
        rule: rule.name,
        webhook: targets[i]!.name,
        attempts: result.attempts,
        error: result.lastError,
      });
    }
    const delivery = targets.length === 0 ? 'none' : lastError === null ? 'delivered' : 'failed';
    Object.assign(event, { delivery, attempts, lastError });
    await updateAlertDelivery(options.store, event.id, { delivery, attempts, lastError });
  };

  return {
    deliver(rule, event) {
      // Caught at once (an unhandled rejection would end the process) and rethrown by settled().
      started.push(deliverEvent(rule, event).catch((error: unknown) => void errors.push(error)));
    },
    async settled() {
      await Promise.all(started);
      if (errors.length > 0) throw errors[0];
    },
  };
}
