import { abortableSleep } from './abortable-sleep.ts';
import { isRetryableError, RETRY_DEFAULTS, type RetryPolicy, retryDelayMs } from './retry-policy.ts';

export type WithRetriesOptions = {
  policy?: RetryPolicy;
  abortSignal?: AbortSignal;
  /** Told of every failed attempt, retried or not (for the inference table's failure list). */
  onFailure?: (error: unknown) => void;
};

/**
 * The one retry loop for provider calls: runs `call`, and after a retryable ProviderCallError waits
 * (Retry-After or jittered backoff, see `retryDelayMs`) and runs it again, up to `maxRetries` times.
 * Anything else is thrown at once. An abort stops it, during a wait too, with the abort reason.
 * @example
 * const reply = await withRetries(() => postJson(config, { path: '/embeddings', body, maxReplyBytes, abortSignal: signal }), { abortSignal: signal });
 */
export async function withRetries<T>(call: () => Promise<T>, options: WithRetriesOptions = {}): Promise<T> {
  const policy = options.policy ?? {};
  const maxRetries = policy.maxRetries ?? RETRY_DEFAULTS.maxRetries;
  for (let retry = 0; ; retry++) {
    options.abortSignal?.throwIfAborted();
    try {
      return await call();
    } catch (error) {
      if (options.abortSignal?.aborted) throw options.abortSignal.reason;
      options.onFailure?.(error);
      if (!isRetryableError(error) || retry >= maxRetries) throw error;
      await abortableSleep(retryDelayMs(policy, retry, error), options.abortSignal);
    }
  }
}
