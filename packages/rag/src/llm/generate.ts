import {
  Attempt,
  type AttemptFailure,
  backoffMs,
  type CallPolicy,
  classify,
  describeFailure,
  exhausted,
  sleep,
} from './call-policy.ts';
import type { FinishReason, GenerateRequest, LanguageModel } from './language-model.ts';
import { costOf, type PriceTable } from './price-table.ts';
import { resolveUsage, type Usage } from './usage.ts';

export type GenerateOptions = GenerateRequest &
  CallPolicy & {
    /** One model, or a fallback chain tried in order (e.g. self-hosted first, third-party second). */
    model: LanguageModel | readonly LanguageModel[];
    /** For `costUsd`; unpriced models give `costUsd: undefined`. */
    prices?: PriceTable;
  };

export type GenerateOutput = {
  text: string;
  finishReason: FinishReason;
  usage: Usage;
  costUsd: number | undefined;
  /** The model that answered (after retries and fallbacks). */
  provider: string;
  modelId: string;
  warnings: string[];
  /** Failed attempts before the answer, in order. */
  failures: AttemptFailure[];
};

/**
 * Calls a language model with retries (jittered exponential backoff on retryable failures),
 * a per-attempt timeout, a fallback chain, abort, and server-side token counting + cost.
 * Throws the caller's abort reason when `abortSignal` fires, else the last ProviderCallError.
 * @example
 * const out = await generate({ model: [selfHosted, openai], messages, timeoutMs: 20_000, prices });
 */
export async function generate(options: GenerateOptions): Promise<GenerateOutput> {
  const models = Array.isArray(options.model) ? options.model : [options.model as LanguageModel];
  const { request, policy } = split(options);
  const failures: AttemptFailure[] = [];
  let last: unknown;
  for (const model of models) {
    for (let retry = 0; ; retry++) {
      const attempt = new Attempt({
        caller: options.abortSignal,
        timeoutMs: policy.timeoutMs,
        provider: model.provider,
      });
      try {
        const result = await model.doGenerate({ ...request, abortSignal: attempt.signal });
        const usage = resolveUsage(result.usage, request.messages, result.text);
        return {
          text: result.text,
          finishReason: result.finishReason,
          usage,
          costUsd: costOf({ prices: options.prices, provider: model.provider, modelId: model.modelId, ...usage }),
          provider: model.provider,
          modelId: model.modelId,
          warnings: result.warnings,
          failures,
        };
      } catch (raw) {
        const error = attempt.translate(raw);
        const action = classify(error);
        if (action === 'throw') throw error;
        failures.push(describeFailure(model.provider, model.modelId, error));
        last = error;
        if (action === 'fallback' || retry >= policy.maxRetries) break;
        await sleep(backoffMs(policy, retry), options.abortSignal);
      } finally {
        attempt.dispose();
      }
    }
  }
  throw exhausted(models.length, last);
}

/** Separates the provider request from the runtime's own options. */
export function split(options: GenerateOptions): {
  request: GenerateRequest;
  policy: Required<Pick<CallPolicy, 'timeoutMs' | 'maxRetries'>> & CallPolicy;
} {
  const { model, prices, timeoutMs, maxRetries, initialDelayMs, maxDelayMs, random, ...request } = options;
  void model;
  void prices;
  return {
    request,
    policy: { timeoutMs: timeoutMs ?? 60_000, maxRetries: maxRetries ?? 2, initialDelayMs, maxDelayMs, random },
  };
}
