import { withRetries } from '../retry/with-retries.ts';
import { Attempt, type AttemptFailure, type CallPolicy, classify, describeFailure, exhausted } from './call-policy.ts';
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
 * Calls a language model with retries (`withRetries`: Retry-After or jittered backoff on retryable failures),
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
    try {
      const output = await withRetries(() => attemptGenerate(model, request, policy, options), {
        policy,
        abortSignal: options.abortSignal,
        onFailure: (error) => {
          if (classify(error) !== 'throw') failures.push(describeFailure(model.provider, model.modelId, error));
        },
      });
      return { ...output, failures };
    } catch (error) {
      if (options.abortSignal?.aborted || classify(error) === 'throw') throw error;
      last = error;
    }
  }
  throw exhausted(models.length, last);
}

async function attemptGenerate(
  model: LanguageModel,
  request: GenerateRequest,
  policy: ReturnType<typeof split>['policy'],
  options: GenerateOptions,
): Promise<GenerateOutput> {
  const attempt = new Attempt({ caller: options.abortSignal, timeoutMs: policy.timeoutMs, provider: model.provider });
  let answered = false;
  try {
    const result = await model.doGenerate({ ...request, abortSignal: attempt.signal });
    answered = true;
    const usage = resolveUsage(result.usage, request.messages, result.text);
    return {
      text: result.text,
      finishReason: result.finishReason,
      usage,
      costUsd: costOf({ prices: options.prices, provider: model.provider, modelId: model.modelId, ...usage }),
      provider: model.provider,
      modelId: model.modelId,
      warnings: result.warnings,
      failures: [],
    };
  } catch (raw) {
    throw attempt.translate(raw);
  } finally {
    // An answered call has nothing left in flight to cancel.
    if (answered) attempt.finish();
    else attempt.dispose();
  }
}

/** Separates the provider request from the runtime's own options. */
export function split(options: GenerateOptions): {
  request: GenerateRequest;
  policy: Required<Pick<CallPolicy, 'timeoutMs'>> & CallPolicy;
} {
  const { model, prices, timeoutMs, maxRetries, initialDelayMs, maxDelayMs, maxRetryAfterMs, random, ...request } =
    options;
  void model;
  void prices;
  return {
    request,
    policy: { timeoutMs: timeoutMs ?? 60_000, maxRetries, initialDelayMs, maxDelayMs, maxRetryAfterMs, random },
  };
}
