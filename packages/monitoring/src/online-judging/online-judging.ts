import {
  ConfigError,
  type Logger,
  type MetadataStore,
  parseInput,
  queryInferenceRows,
  type StoredInferenceRow,
  silentLogger,
} from '@ragops/core';
import { createJudges, type Judge, type PassageLookup } from '@ragops/evals';
import { costOf, type LanguageModel, type PriceTable } from '@ragops/rag';
import { upsertJudgeScores } from '../metrics/judge-score-store.ts';
import { judgeItemOf } from './judge-item.ts';
import { advanceCursor, claimJudgement, completeJudgement, judgingUsage, readCursor } from './judging-ledger.ts';
import { inJudgingSample } from './judging-sample.ts';
import { type OnlineJudgingConfigInput, onlineJudgingConfigSchema } from './online-judging-config.ts';

export type OnlineJudgingOptions = {
  store: MetadataStore;
  /** `monitoring.onlineJudging` of ragops.yaml. */
  config: OnlineJudgingConfigInput;
  /** The judge model for LLM judges (built by the chain host from `judgeModel`). */
  judgeModel?: LanguageModel;
  /** Retrieved passages' texts by chunk id (`getChunks` of @ragops/rag over RAGOPS_HOME). */
  passages?: PassageLookup;
  /** Prices of judge models; an LLM judge without one is refused while a cost cap is set. */
  prices?: PriceTable;
  logger?: Logger;
  now?: () => Date;
  /** How long stop() lets a judge call in flight finish before aborting it. Default 10 000 ms. */
  drainMs?: number;
  /** Test seam: judges per endpoint instead of createJudges over the configured names. */
  judges?: (endpoint: string, names: readonly string[]) => Judge[];
};

/** What one pass over new inference rows did. */
export type JudgingPass = {
  rowsRead: number;
  sampled: number;
  judgedRequests: number;
  verdicts: number;
  errors: number;
  /** (request, judge) pairs another replica or an earlier pass had claimed. */
  alreadyClaimed: number;
  /** Sampled requests skipped because a budget (per minute, per window, cost) was spent. */
  overBudget: number;
  /** Sampled requests with nothing to judge (messages not logged, no answer) or unreadable passages. */
  unjudgeable: number;
  costUsd: number;
  cursor: number;
};

export type OnlineJudging = {
  /** One pass: new rows after the cursor, sampled, judged within budget, stored. One at a time. */
  runOnce(): Promise<JudgingPass>;
  /** Passes every `pollSeconds` on an unref'd timer until stop(). */
  start(): void;
  /** Stops the timer and drains: the pass in progress ends after its current judge call. */
  stop(): Promise<void>;
};

/**
 * Online judging: a sampled share of each configured endpoint's live answered requests is scored by
 * the eval judges off the request path, within a budget, idempotent per request × judge (claimed in
 * the ledger before the call), scores stored for the metric tables (monitor_judge_scores). Rows
 * are tailed by seq; a row committed after a higher seq was passed is not judged (PostgreSQL
 * sequences commit out of order): a sample may miss rows, never count one twice. Throws
 * InvalidInputError for a bad config, ConfigError for an LLM judge without model or price.
 * @example const judging = createOnlineJudging({ store, config: spec.monitoring.onlineJudging }); judging.start()
 */
export function createOnlineJudging(options: OnlineJudgingOptions): OnlineJudging {
  const config = parseInput(onlineJudgingConfigSchema, options.config, 'monitoring.onlineJudging');
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => new Date());
  const judgesByEndpoint = new Map<string, Judge[]>();
  for (const [endpoint, ep] of Object.entries(config.endpoints)) {
    const judges =
      options.judges?.(endpoint, ep.judges) ??
      createJudges({ names: ep.judges, k: 5, ...(options.judgeModel && { llm: options.judgeModel }) });
    for (const j of judges) checkPriced(j, options.prices, config.budget.maxCostUsdPerWindow);
    judgesByEndpoint.set(endpoint, judges);
  }
  const abort = new AbortController();
  let running: Promise<JudgingPass> | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const priced = (judge: Judge, usage: { inputTokens: number; outputTokens: number } | undefined) => {
    if (!usage || judge.model === undefined) return 0;
    const slash = judge.model.indexOf('/');
    return (
      costOf({
        prices: options.prices,
        provider: judge.model.slice(0, slash),
        modelId: judge.model.slice(slash + 1),
        ...usage,
      }) ?? 0
    );
  };

  async function overBudget(): Promise<boolean> {
    const t = now().getTime();
    const minute = await judgingUsage(options.store, new Date(t - 60_000).toISOString());
    if (minute.requests >= config.budget.perMinute) return true;
    const window = await judgingUsage(options.store, new Date(t - config.budget.windowMinutes * 60_000).toISOString());
    const cap = config.budget.maxCostUsdPerWindow;
    return window.requests >= config.budget.perWindow || (cap > 0 && window.costUsd >= cap);
  }

  async function judgeRow(row: StoredInferenceRow, judges: readonly Judge[], pass: JudgingPass): Promise<void> {
    let item: Awaited<ReturnType<typeof judgeItemOf>>;
    try {
      item = await judgeItemOf(row, options.passages);
    } catch (error) {
      // The passages are gone (index version cleaned up) or unreadable: skip this request rather
      // than stall the tail on it forever.
      pass.unjudgeable++;
      logger.warn('online judging skipped a request: its passages could not be read', {
        requestId: row.requestId,
        err: error,
      });
      return;
    }
    if (!item) {
      pass.unjudgeable++;
      return;
    }
    let judgedAny = false;
    for (const judge of judges) {
      if (stopped || !judge.applies(item)) continue;
      const claimed = await claimJudgement(options.store, {
        requestId: row.requestId,
        judge: judge.name,
        judgeKind: judge.kind,
        judgeVersion: judge.version,
        endpoint: row.endpoint,
        servedEntity: row.servedEntity,
        modelName: row.modelName,
        modelVersion: row.modelVersion,
        requestTs: row.ts,
        judgedAt: now().toISOString(),
      });
      if (!claimed) {
        pass.alreadyClaimed++;
        continue;
      }
      judgedAny = true;
      const verdict = await judge.judge(item, { abortSignal: abort.signal }).catch((error: unknown) => ({
        ok: false as const,
        error: `judge call aborted: ${(error as Error).message}`,
      }));
      const costUsd = verdict.ok ? priced(judge, verdict.usage) : 0;
      pass.costUsd += costUsd;
      if (verdict.ok) pass.verdicts++;
      else pass.errors++;
      await options.store.transaction(async (tx) => {
        await completeJudgement(tx, {
          requestId: row.requestId,
          judge: judge.name,
          score: verdict.ok ? verdict.score : null,
          error: verdict.ok ? null : verdict.error,
          costUsd,
        });
        if (verdict.ok) {
          const judgedAt = now().toISOString();
          await upsertJudgeScores(tx, [
            {
              requestId: row.requestId,
              judge: judge.name,
              score: verdict.score,
              requestTs: row.ts,
              endpoint: row.endpoint,
              judgedAt,
            },
          ]);
        }
      });
    }
    if (judgedAny) pass.judgedRequests++;
  }

  async function pass(): Promise<JudgingPass> {
    const cursor = await readCursor(options.store);
    const rows = await queryInferenceRows(options.store, { afterSeq: cursor, limit: config.batchSize, order: 'asc' });
    const result: JudgingPass = {
      rowsRead: rows.length,
      sampled: 0,
      judgedRequests: 0,
      verdicts: 0,
      errors: 0,
      alreadyClaimed: 0,
      overBudget: 0,
      unjudgeable: 0,
      costUsd: 0,
      cursor,
    };
    for (const row of rows) {
      if (stopped) break;
      const ep = config.endpoints[row.endpoint];
      const judges = judgesByEndpoint.get(row.endpoint);
      if (
        ep &&
        judges &&
        row.trafficArm === 'live' &&
        row.status === 'ok' &&
        inJudgingSample(row.requestId, ep.sampleRate)
      ) {
        result.sampled++;
        // Over budget: the request is skipped, not queued, so a burst thins the sample instead of
        // building a backlog that would be judged long after its window was read.
        if (await overBudget()) result.overBudget++;
        else await judgeRow(row, judges, result);
      }
      result.cursor = row.seq;
    }
    if (result.cursor > cursor) await advanceCursor(options.store, result.cursor, now().toISOString());
    return result;
  }

  const runOnce = () => {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    runOnce,
    start() {
      if (timer || stopped) return;
      timer = setInterval(() => {
        runOnce()
          .then((p) => {
            if (p.sampled > 0) logger.info('online judging pass', { ...p });
          })
          .catch((error: unknown) => logger.error('online judging pass failed', { err: error }));
      }, config.pollSeconds * 1000);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (!running) return;
      const deadline = setTimeout(() => abort.abort(new Error('online judging stopped')), options.drainMs ?? 10_000);
      // A failing pass is reported to whoever awaited runOnce (the timer logs it); stop only waits.
      await Promise.allSettled([running]);
      clearTimeout(deadline);
    },
  };
}

function checkPriced(judge: Judge, prices: PriceTable | undefined, cap: number): void {
  if (judge.kind !== 'llm' || judge.model === undefined || cap <= 0) return;
  const slash = judge.model.indexOf('/');
  const price = costOf({
    prices,
    provider: judge.model.slice(0, slash),
    modelId: judge.model.slice(slash + 1),
    inputTokens: 1,
    outputTokens: 1,
  });
  if (price === undefined) {
    throw new ConfigError(
      `online judging: judge "${judge.name}" runs on ${judge.model}, which has no price in providers.prices; the cost cap (monitoring.onlineJudging.budget.maxCostUsdPerWindow) cannot count it. Add its price, or set the cap to 0 to judge without one`,
    );
  }
}
