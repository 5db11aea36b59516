import { type ErrorCode, ProviderCallError, RagopsError } from '@ragops/core';
import type { ChainAnswer, ChainVersion } from '../chain/chain-types.ts';
import { Deadline } from '../retry/deadline.ts';

/** Why a chain call failed: a library error code, or `timeout` / `aborted` (the caller's signals). */
export type ChainFailureCode = ErrorCode | 'timeout' | 'aborted';

/** A failed chain call as callers record it (serving maps `code` to its wire status, evals store it). */
export type ChainFailure = {
  code: ChainFailureCode;
  message: string;
  /** A provider failure worth trying again later (429, 5xx, network). */
  retryable: boolean;
  /** The error itself (not serialised; for logs and `cause`). */
  error: unknown;
};

/** What `ChainHost.answer` settles to: never a thrown error, so batch callers record every row. */
export type ChainOutcome =
  | { ok: true; version: ChainVersion; answer: ChainAnswer; latencyMs: number }
  | { ok: false; version: ChainVersion | undefined; failure: ChainFailure; latencyMs: number };

/**
 * The failure an error stands for. A timeout that fired (`timedOutAfterMs`) wins over a fired
 * `abortSignal` (the caller's), which wins over the error thrown (usually an AbortError once either fired).
 */
export function chainFailureOf(
  error: unknown,
  signals: { timedOutAfterMs?: number | undefined; abortSignal?: AbortSignal | undefined } = {},
): ChainFailure {
  if (signals.timedOutAfterMs !== undefined) {
    return { code: 'timeout', message: `no answer within ${signals.timedOutAfterMs} ms`, retryable: true, error };
  }
  if (signals.abortSignal?.aborted)
    return { code: 'aborted', message: 'the call was aborted', retryable: false, error };
  if (RagopsError.isInstance(error)) {
    const retryable = ProviderCallError.isInstance(error) && error.isRetryable;
    return { code: error.code, message: error.message, retryable, error };
  }
  return { code: 'internal', message: error instanceof Error ? error.message : String(error), retryable: false, error };
}

/** A call's budget: the caller's signal and an optional timeout, combined, and the failure an error means. */
export type CallBudget = {
  /** Fires on the caller's abort or the timeout; undefined when there is neither. */
  readonly signal: AbortSignal | undefined;
  /** `chainFailureOf` with this budget's signals (a fired timeout is `timeout`, the caller's abort `aborted`). */
  failureOf(error: unknown): ChainFailure;
  /** Stops the timer and detaches from the caller's signal: call it when the call is over. */
  dispose(): void;
};

/**
 * The one way a chain call combines the caller's signal with its `timeoutMs` (the host's `answer`
 * and the LangChain adapter's stream had a copy each), on the one Deadline (retry/deadline.ts). The
 * timeout starts now.
 */
export function callBudget(abortSignal: AbortSignal | undefined, timeoutMs: number | undefined): CallBudget {
  // Without a timeout the caller's signal (or none) is the budget as it is.
  if (timeoutMs === undefined) {
    return { signal: abortSignal, failureOf: (error) => chainFailureOf(error, { abortSignal }), dispose: () => {} };
  }
  const deadline = new Deadline(abortSignal, timeoutMs);
  return {
    signal: deadline.signal,
    failureOf: (error) =>
      chainFailureOf(error, { abortSignal, ...(deadline.timedOut && { timedOutAfterMs: timeoutMs }) }),
    dispose: () => deadline.dispose(),
  };
}
