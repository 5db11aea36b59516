import { type ErrorCode, ProviderCallError, RagopsError } from '@ragops/core';
import type { ChainAnswer, ChainVersion } from '../chain/chain-types.ts';

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
 * The failure an error stands for. A fired `timeout` signal wins over a fired `abortSignal` (the
 * caller's), which wins over the error thrown (usually an AbortError once either fired).
 */
export function chainFailureOf(
  error: unknown,
  signals: {
    timeout?: AbortSignal | undefined;
    timeoutMs?: number | undefined;
    abortSignal?: AbortSignal | undefined;
  } = {},
): ChainFailure {
  if (signals.timeout?.aborted) {
    return { code: 'timeout', message: `no answer within ${signals.timeoutMs ?? '?'} ms`, retryable: true, error };
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
};

/**
 * The one way a chain call combines the caller's signal with its `timeoutMs` (the host's `answer`
 * and the LangChain adapter's stream had a copy each). The timeout starts now.
 */
export function callBudget(abortSignal: AbortSignal | undefined, timeoutMs: number | undefined): CallBudget {
  const timeout = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
  const signals = [abortSignal, timeout].filter((s) => s !== undefined);
  return {
    signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
    failureOf: (error) => chainFailureOf(error, { timeout, timeoutMs, abortSignal }),
  };
}
