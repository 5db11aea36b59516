import { type Logger, silentLogger } from '@ragops/core';
import type { AlertsConfigInput } from './alert-config.ts';
import { type EvaluateAlertsOptions, evaluateAlerts } from './evaluate-alerts.ts';

/** Alert evaluation driven by the refresher: one run at a time, awaited on stop. */
export type AlertEvaluator = {
  /** Starts an evaluation unless one is running (a refresh during a slow delivery is not queued twice). */
  evaluate(): void;
  stop(): Promise<void>;
};

/**
 * Wraps evaluateAlerts for the server: call `evaluate()` after each refresh (the refresher's
 * onReport); failures are logged, never thrown into the refresher; `stop()` waits for the run in
 * progress, so shutdown does not close the store under a delivery.
 * @example const alerts = createAlertEvaluator({ store, config, logger }); startMetricRefresher({ …, onReport: () => alerts.evaluate() })
 */
export function createAlertEvaluator(
  options: Omit<EvaluateAlertsOptions, 'now'> & { config: AlertsConfigInput; logger?: Logger },
): AlertEvaluator {
  const logger = options.logger ?? silentLogger;
  let running: Promise<void> | undefined;
  let stopped = false;
  return {
    evaluate() {
      if (running || stopped) return;
      running = evaluateAlerts(options)
        .then((report) => {
          if (report.events.length > 0)
            logger.info('alerts evaluated', { firing: report.firing, events: report.events.length });
        })
        .catch((error: unknown) => logger.error('alert evaluation failed', { err: error }))
        .finally(() => {
          running = undefined;
        });
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}
