import { createHmac } from 'node:crypto';
import { ProviderCallError } from '@ragops/core';
import { parseRetryAfterMs, withRetries } from '@ragops/rag';
import type { Webhook } from './alert-config.ts';

/** How a delivery went: every attempt counted, the last failure kept (never the secret). */
export type WebhookDelivery = { delivered: boolean; attempts: number; status: number | null; lastError: string | null };

/** The signature a receiver recomputes: `sha256=` + hex HMAC-SHA256 over `${timestamp}.${body}` with the secret. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

// As for provider calls (STYLE.md §4): network failures, 408, 429 and 5xx are worth another try
// (not 409, which withRetries' default would retry: a receiver's conflict will not clear).
const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

/** The longest single wait between attempts: 10 attempts from 60 s doubling would otherwise wait hours. */
const MAX_BACKOFF_MS = 60_000;

/**
 * POSTs `payload` as JSON to the webhook through the one retry loop (`withRetries`): a timeout per
 * attempt, up to maxAttempts on network errors, timeouts, 408, 429 and 5xx, waiting backoffMs, 2×,
 * 4×, … (jittered, each wait at most 60 s; a receiver's Retry-After is honoured up to 30 s); other 4xx
 * stop at once (the receiver refuses it; trying again will not help). Headers:
 * `x-ragops-delivery` (one id across the retries, for the receiver's idempotency),
 * `x-ragops-timestamp` (seconds) and, with a secret, `x-ragops-signature` (webhookSignature): a
 * receiver should reject old timestamps to stop replays. Never throws for the receiver's failures.
 */
export async function deliverWebhook(
  hook: Webhook,
  payload: { deliveryId: string } & Record<string, unknown>,
  deps: { fetch?: typeof fetch; now?: () => Date } = {},
): Promise<WebhookDelivery> {
  const doFetch = deps.fetch ?? fetch;
  const body = JSON.stringify(payload);
  let attempts = 0;
  let status: number | null = null;
  let lastError: string | null = null;
  const attempt = async () => {
    attempts++;
    const timestamp = String(Math.floor((deps.now?.() ?? new Date()).getTime() / 1000));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'ragops-alerts',
      'x-ragops-delivery': payload.deliveryId,
      'x-ragops-timestamp': timestamp,
      ...(hook.secret !== undefined && { 'x-ragops-signature': webhookSignature(hook.secret, timestamp, body) }),
    };
    let response: Response;
    try {
      response = await doFetch(hook.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(hook.timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      status = null;
      lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new ProviderCallError({ provider: hook.name, message: lastError, cause: error, isRetryable: true });
    }
    status = response.status;
    // The body is not read beyond this: a receiver's reply is not ours to parse.
    await response.body?.cancel();
    if (response.ok) return;
    lastError = `HTTP ${response.status}`;
    const retryAfterMs = parseRetryAfterMs(response.headers);
    throw new ProviderCallError({
      provider: hook.name,
      message: lastError,
      statusCode: response.status,
      isRetryable: retryable(response.status),
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    });
  };
  const policy = { maxRetries: hook.maxAttempts - 1, initialDelayMs: hook.backoffMs, maxDelayMs: MAX_BACKOFF_MS };
  try {
    await withRetries(attempt, { policy });
    return { delivered: true, attempts, status, lastError: null };
  } catch {
    return { delivered: false, attempts, status, lastError };
  }
}
