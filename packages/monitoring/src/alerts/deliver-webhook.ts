import { createHmac } from 'node:crypto';
import type { Webhook } from './alert-config.ts';

/** How a delivery went: every attempt counted, the last failure kept (never the secret). */
export type WebhookDelivery = { delivered: boolean; attempts: number; status: number | null; lastError: string | null };

/** The signature a receiver recomputes: `sha256=` + hex HMAC-SHA256 over `${timestamp}.${body}` with the secret. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

// As for provider calls (STYLE.md §4): network failures, 408, 429 and 5xx are worth another try.
const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * POSTs `payload` as JSON to the webhook: a timeout per attempt, retries with exponential backoff
 * (backoffMs, 2×, 4×, …) on network errors, timeouts, 408, 429 and 5xx, up to maxAttempts; other
 * 4xx stop at once (the receiver refuses it; trying again will not help). Headers:
 * `x-ragops-delivery` (one id across the retries, for the receiver's idempotency),
 * `x-ragops-timestamp` (seconds) and, with a secret, `x-ragops-signature` (webhookSignature): a
 * receiver should reject old timestamps to stop replays. Never throws for the receiver's failures.
 */
export async function deliverWebhook(
  hook: Webhook,
  payload: { deliveryId: string } & Record<string, unknown>,
  deps: { fetch?: typeof fetch; sleep?: (ms: number) => Promise<void>; now?: () => Date } = {},
): Promise<WebhookDelivery> {
  const doFetch = deps.fetch ?? fetch;
  const sleep = deps.sleep ?? defaultSleep;
  const body = JSON.stringify(payload);
  let lastError: string | null = null;
  let status: number | null = null;
  for (let attempt = 1; attempt <= hook.maxAttempts; attempt++) {
    if (attempt > 1) await sleep(hook.backoffMs * 2 ** (attempt - 2));
    const timestamp = String(Math.floor((deps.now?.() ?? new Date()).getTime() / 1000));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'ragops-alerts',
      'x-ragops-delivery': payload.deliveryId,
      'x-ragops-timestamp': timestamp,
      ...(hook.secret !== undefined && { 'x-ragops-signature': webhookSignature(hook.secret, timestamp, body) }),
    };
    try {
      const response = await doFetch(hook.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(hook.timeoutMs),
        redirect: 'error',
      });
      status = response.status;
      // The body is not read beyond this: a receiver's reply is not ours to parse.
      await response.body?.cancel();
      if (response.ok) return { delivered: true, attempts: attempt, status, lastError: null };
      lastError = `HTTP ${response.status}`;
      if (!retryable(response.status)) return { delivered: false, attempts: attempt, status, lastError };
    } catch (error) {
      status = null;
      lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
  }
  return { delivered: false, attempts: hook.maxAttempts, status, lastError };
}
