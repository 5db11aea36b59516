import { ProviderCallError, RagopsError } from '@ragops/core';
import { Deadline } from '../retry/deadline.ts';
import type { RetryPolicy } from '../retry/retry-policy.ts';

/** Retry, timeout and fallback settings shared by `generate()` and `stream()`. */
export type CallPolicy = RetryPolicy & {
  /** Per attempt; for streams, the longest wait for the first part and between parts. Default 60 000. */
  timeoutMs?: number;
};

/** A failed attempt, kept for logs and the inference table. */
export type AttemptFailure = {
  provider: string;
  modelId: string;
  message: string;
  statusCode: number | undefined;
  retryable: boolean;
};

/**
 * One attempt's abort plumbing: the caller's signal plus a restartable timeout. `translate` turns
 * what the provider threw into what the runtime acts on: the caller's abort reason as is, our
 * timeout as a retryable ProviderCallError.
 */
export class Attempt {
  readonly #deadline: Deadline;
  readonly #caller: AbortSignal | undefined;
  readonly #provider: string;

  constructor(input: { caller: AbortSignal | undefined; timeoutMs: number; provider: string }) {
    this.#caller = input.caller;
    this.#provider = input.provider;
    this.#deadline = new Deadline(input.caller, input.timeoutMs);
  }

  get signal(): AbortSignal {
    return this.#deadline.signal;
  }

  restartTimer(): void {
    this.#deadline.restart();
  }

  translate(error: unknown): unknown {
    if (this.#caller?.aborted) return this.#caller.reason;
    if (this.#deadline.timedOut) {
      return new ProviderCallError({
        provider: this.#provider,
        message: `no answer within ${this.#deadline.timeoutMs} ms (timed out)`,
        cause: error,
        isRetryable: true,
      });
    }
    return error;
  }

  /** Stops the timer and cancels whatever the provider still has in flight. */
  dispose(): void {
    this.#deadline.dispose(attemptFinished());
  }

  /**
   * Stops the timer, for an attempt whose call returned whole (nothing in flight): aborting its
   * signal as well, an event dispatched to no one, was ~1% of a served request's CPU.
   */
  finish(): void {
    this.#deadline.dispose();
  }
}

// One shared reason for every finished attempt: building a DOMException (and its stack) on each call
// showed up in serving profiles. Nothing reads its stack; it only tells the provider to stop.
let finishedReason: DOMException | undefined;
function attemptFinished(): DOMException {
  finishedReason ??= new DOMException('attempt finished', 'AbortError');
  return finishedReason;
}

/** May the runtime try again (same model) or fall back (next model) after this error? */
export function classify(error: unknown): 'retry' | 'fallback' | 'throw' {
  if (ProviderCallError.isInstance(error)) return error.isRetryable ? 'retry' : 'fallback';
  // A missing key or bad provider config: another model in the chain may still serve.
  if (RagopsError.isInstance(error) && error.code === 'config_error') return 'fallback';
  return 'throw';
}

export function describeFailure(provider: string, modelId: string, error: unknown): AttemptFailure {
  const pce = ProviderCallError.isInstance(error) ? error : undefined;
  return {
    provider,
    modelId,
    message: error instanceof Error ? error.message : String(error),
    statusCode: pce?.statusCode,
    retryable: pce?.isRetryable ?? false,
  };
}

/** The error thrown when every model of a fallback chain failed: the last one, wrapped with the count. */
export function exhausted(models: number, last: unknown): unknown {
  if (models <= 1 || !ProviderCallError.isInstance(last)) return last;
  return new ProviderCallError({
    provider: last.provider,
    message: `all ${models} models of the fallback chain failed; last error: ${last.message}`,
    statusCode: last.statusCode,
    cause: last,
    isRetryable: last.isRetryable,
  });
}
