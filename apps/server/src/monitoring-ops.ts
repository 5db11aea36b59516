import { type MetadataStore, type MonitoringSpec, parseInput } from '@ragops/core';
import {
  alertsConfigFromSpec,
  createAlertEvaluator,
  createDriftRunner,
  createOnlineJudging,
  driftConfigSchema,
  indexPassages,
  onlineJudgingConfigSchema,
} from '@ragops/monitoring';
import { createChainHost } from '@ragops/rag';
import type { ServerConfig } from './config.ts';
import { type ServerLogger, toLibraryLogger } from './logger.ts';
import { loadServingConfig } from './serving/serving-config.ts';

/**
 * What the server runs beside the metric refresher: alert evaluation and drift of the last complete
 * window after each refresh (`monitoring.alerts`, `monitoring.drift`) and the online-judging worker (`monitoring.onlineJudging`), both off the
 * request path and stopped (drained) on shutdown. Configs are parsed here, so a bad one fails startup.
 */
export function startServerMonitoringOps(args: {
  store: MetadataStore;
  config: ServerConfig;
  spec: MonitoringSpec;
  logger: ServerLogger;
  env?: NodeJS.ProcessEnv;
}): { onRefresh: () => void; stop: () => Promise<void> } {
  const env = args.env ?? process.env;
  const logger = toLibraryLogger(args.logger);
  const raw = args.spec as Record<string, unknown>;
  const alerts = alertsConfigFromSpec(raw.alerts, env);
  const evaluator =
    alerts.rules.length > 0 ? createAlertEvaluator({ store: args.store, config: alerts, logger }) : undefined;

  const drift =
    raw.drift === undefined
      ? undefined
      : createDriftRunner({
          store: args.store,
          home: args.config.home,
          config: parseInput(driftConfigSchema, raw.drift, 'monitoring.drift'),
          logger,
          env,
        });

  const judgingConfig = parseInput(onlineJudgingConfigSchema, raw.onlineJudging ?? {}, 'monitoring.onlineJudging');
  let judging: ReturnType<typeof createOnlineJudging> | undefined;
  if (Object.keys(judgingConfig.endpoints).length > 0) {
    const serving = loadServingConfig(env);
    const judgeModel = judgingConfig.judgeModel;
    const slash = judgeModel?.indexOf('/') ?? -1;
    judging = createOnlineJudging({
      store: args.store,
      config: judgingConfig,
      passages: indexPassages(args.config.home),
      prices: serving.prices,
      logger,
      ...(judgeModel !== undefined && {
        judgeModel: createChainHost({ store: args.store, home: args.config.home, ...serving }).languageModel(
          judgeModel.slice(0, slash),
          judgeModel.slice(slash + 1),
        ),
      }),
    });
    judging.start();
  }
  return {
    onRefresh: () => {
      evaluator?.evaluate();
      drift?.run();
    },
    async stop() {
      await Promise.all([judging?.stop(), evaluator?.stop(), drift?.stop()]);
    },
  };
}
