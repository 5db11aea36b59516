import { ProviderCallError } from '@ragops/core';

/** How a failed provider call (LLM generate, stream start, embeddings batch) is retried. */
export type RetryPolicy = {
  /** Retries after the first try, for retryable ProviderCallErrors only (429, 408, 409, 5xx, network). */
  maxRetries?: number;
  /** Backoff before retry k: min(maxDelayMs, initialDelayMs·2^k), times a jitter in [0.5, 1). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /**
   * The longest wait a server's Retry-After is honoured for; a longer ask is cut to this (a server
   * that says "come back in an hour" must not park an index build or a request for an hour).
   */
  maxRetryAfterMs?: number;
  /** Jitter source, injectable for tests. Default Math.random. */
  random?: () => number;
};

/**
 * The one set of defaults for LLM calls, streams and embeddings. Two retries with 250 ms doubling
 * bound what a dead provider costs: a refused connection (nothing listens) fails after 3 attempts
 * and < 0.75 s of waiting — the embedder's old 4 retries from 500 ms waited up to 7.5 s for a port
 * nobody would open. A rate-limited provider says how long to wait, and that is honoured up to 30 s.
 */
export const RETRY_DEFAULTS = {
  maxRetries: 2,
  initialDelayMs: 250,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 30_000,
} as const satisfies Required<Omit<RetryPolicy, 'random'>>;

/** Should this error be retried on the same provider? Only retryable ProviderCallErrors are. */
export function isRetryableError(error: unknown): error is ProviderCallError {
  return ProviderCallError.isInstance(error) && error.isRetryable;
}

/**
 * The wait before retry `retry` (0-based) after `error`: the server's Retry-After when it sent one
 * (capped at maxRetryAfterMs), else jittered exponential backoff.
 */
export function retryDelayMs(policy: RetryPolicy, retry: number, error: unknown): number {
  const asked = ProviderCallError.isInstance(error) ? error.retryAfterMs : undefined;
  if (asked !== undefined) return Math.min(asked, policy.maxRetryAfterMs ?? RETRY_DEFAULTS.maxRetryAfterMs);
  const initial = policy.initialDelayMs ?? RETRY_DEFAULTS.initialDelayMs;
  const base = Math.min(policy.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs, initial * 2 ** retry);
  return base * (0.5 + 0.5 * (policy.random ?? Math.random)());
}
