import { type Logger, type MetadataStore, parseInput, silentLogger } from '@ragops/core';
import { computeDrift } from './compute-drift.ts';
import { type DriftConfigInput, driftConfigSchema, lastCompleteWindow } from './drift-config.ts';

/** Drift computation driven by the refresher: the last complete window of each configured endpoint, once. */
export type DriftRunner = {
  /** Computes windows not computed yet, unless a run is in progress. */
  run(): void;
  stop(): Promise<void>;
};

/**
 * For the server: after each refresh, computes drift of `monitoring.drift.endpoints` for their last
 * complete `window` if monitoring_drift has no result for it yet (so a 60 s refresh does not
 * re-embed an hour of questions every minute). One run at a time; failures are logged per endpoint;
 * stop() waits for the run in progress. Throws InvalidInputError for a bad config.
 */
export function createDriftRunner(options: {
  store: MetadataStore;
  home: string;
  config: DriftConfigInput;
  logger?: Logger;
  env?: Readonly<Record<string, string | undefined>>;
  now?: () => Date;
}): DriftRunner {
  const config = parseInput(driftConfigSchema, options.config, 'monitoring.drift');
  const logger = options.logger ?? silentLogger;
  let running: Promise<void> | undefined;
  let stopped = false;
  const once = async () => {
    const current = lastCompleteWindow(config.window, options.now?.() ?? new Date());
    for (const endpoint of config.endpoints) {
      if (stopped) return;
      const done = await options.store.get(
        'SELECT 1 AS x FROM monitoring_drift WHERE endpoint = ? AND current_end = ? LIMIT 1',
        [endpoint, current.end],
      );
      if (done) continue;
      try {
        const results = await computeDrift({ ...options, endpoint, current, config });
        const drifted = results.filter((r) => r.verdict === 'drift');
        if (drifted.length > 0) {
          logger.warn('drift detected', {
            endpoint,
            window: current,
            metrics: drifted.map((r) => `${r.metric} vs ${r.comparison}`),
          });
        }
      } catch (error) {
        logger.error('drift computation failed', { endpoint, err: error });
      }
    }
  };
  return {
    run() {
      if (running || stopped || config.endpoints.length === 0) return;
      running = once()
        .catch((error: unknown) => logger.error('drift run failed', { err: error }))
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
