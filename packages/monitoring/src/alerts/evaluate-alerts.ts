import { randomUUID } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { type Logger, type MetadataStore, parseInput, silentLogger } from '@ragops/core';
import { WINDOW_MS } from '../metrics/windows.ts';
import { type AlertRule, type AlertsConfigInput, alertsConfigSchema } from './alert-config.ts';
import { type AlertDeliveries, createAlertDeliveries } from './alert-deliveries.ts';
import { readAlertSeries } from './alert-series.ts';
import { type AlertEvent, insertAlertEvent, selectAlertStates, upsertAlertState } from './alert-store.ts';
import { evaluateAlertRule, type SeriesWindow } from './evaluate-alert-rule.ts';

export type EvaluateAlertsOptions = {
  store: MetadataStore;
  /** `monitoring.alerts` of ragops.yaml (webhook secrets resolved by the app). */
  config: AlertsConfigInput;
  /** Windows ending after this are still filling and are not judged. Default: now. */
  now?: Date;
  logger?: Logger;
  fetch?: typeof fetch;
};

export type AlertsReport = {
  rules: number;
  series: number;
  firing: number;
  events: AlertEvent[];
  /** Rules judged on part of their span: one window held more rows than a read returns (alert-series.ts). */
  incomplete: string[];
};

/**
 * Evaluates every alert rule on the metric tables (call it after each refresh): complete windows
 * of the rule's size per series, the state machine of evaluateAlertRule, state stored, and each
 * transition stored as an event, logged (warn when firing, info when resolved) and POSTed to the
 * rule's webhooks (retried, signed) while the evaluation goes on. Each webhook has its own lane of
 * DELIVERIES_PER_WEBHOOK at a time, so a slow or dead receiver delays only its own deliveries; the
 * evaluation returns when every delivery is done (a dead receiver: at most maxAttempts × timeoutMs
 * + backoff per DELIVERIES_PER_WEBHOOK of its events), and never loses an event (its row says
 * `failed` with the last error). Events of one evaluation may arrive in any order; a series' next
 * transition comes from a later evaluation. Throws InvalidInputError for a bad config.
 */
export async function evaluateAlerts(options: EvaluateAlertsOptions): Promise<AlertsReport> {
  const config = parseInput(alertsConfigSchema, options.config, 'monitoring.alerts');
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? new Date();
  const report: AlertsReport = { rules: config.rules.length, series: 0, firing: 0, events: [], incomplete: [] };
  const deliveries = createAlertDeliveries({
    store: options.store,
    webhooks: config.webhooks,
    logger,
    ...(options.fetch && { fetch: options.fetch }),
  });
  try {
    await evaluateRules({ options, rules: config.rules, now, logger, report, deliveries });
  } catch (error) {
    // The evaluation's own error is the one to report; the deliveries it started still finish first,
    // so a caller that closes the store after this never closes it under one.
    await deliveries.settled().catch(() => undefined);
    throw error;
  }
  await deliveries.settled();
  return report;
}

async function evaluateRules({
  options,
  rules,
  now,
  logger,
  report,
  deliveries,
}: {
  options: EvaluateAlertsOptions;
  rules: readonly AlertRule[];
  now: Date;
  logger: Logger;
  report: AlertsReport;
  deliveries: AlertDeliveries;
}): Promise<void> {
  for (const rule of rules) {
    // SQLite answers synchronously: without a turn of the loop between rules (≤ 200, each metric
    // queries of up to 500 rows and a transaction per series) the server's requests wait for them all.
    await yieldToEventLoop();
    const windowMs = WINDOW_MS[rule.window];
    const { bySeries, complete } = await readAlertSeries(options.store, rule, now);
    if (!complete) {
      report.incomplete.push(rule.name);
      logger.warn('alert rule judged on its newest windows only', { rule: rule.name, endpoint: rule.endpoint });
    }
    const states = new Map((await selectAlertStates(options.store, { rule: rule.name })).map((s) => [s.series, s]));
    for (const [series, windows] of bySeries) {
      report.series++;
      const previous = states.get(series);
      const evaluation = evaluateAlertRule(rule, windows, previous, windowMs);
      if (evaluation.state === 'firing') report.firing++;
      const at = now.toISOString();
      const event =
        evaluation.transition && eventOf(rule, series, evaluation.transition, evaluation.value, windows, at);
      await options.store.transaction(async (tx) => {
        await upsertAlertState(tx, {
          rule: rule.name,
          series,
          endpoint: rule.endpoint,
          state: evaluation.state,
          breachSince: evaluation.breachSince,
          value: evaluation.value,
          changedAt: evaluation.transition || !previous ? at : previous.changedAt,
          evaluatedAt: at,
        });
        if (event) await insertAlertEvent(tx, event);
      });
      if (!event) continue;
      report.events.push(event);
      const fields = { rule: rule.name, endpoint: rule.endpoint, series, metric: rule.metric, value: event.value };
      if (event.state === 'firing') logger.warn('alert firing', fields);
      else logger.info('alert resolved', fields);
      deliveries.deliver(rule, event);
    }
  }
}

function eventOf(
  rule: AlertRule,
  series: string,
  state: 'firing' | 'resolved',
  value: number | null,
  windows: readonly SeriesWindow[],
  at: string,
): AlertEvent {
  const condition = JSON.stringify(rule.condition);
  return {
    id: randomUUID(),
    rule: rule.name,
    series,
    endpoint: rule.endpoint,
    windowStart: windows.at(-1)?.windowStart ?? null,
    state,
    value,
    condition,
    message: `${rule.metric} of ${rule.endpoint} (${series}, ${rule.window}) ${state === 'firing' ? 'breaches' : 'no longer breaches'} ${condition} for ${rule.forWindows} window(s): ${value}`,
    delivery: 'pending',
    attempts: 0,
    lastError: null,
    createdAt: at,
  };
}
