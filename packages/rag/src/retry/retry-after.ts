/** Header access shared by fetch's Headers and the openai SDK's error headers. */
type HeaderSource = { get(name: string): string | null } | undefined;

/**
 * How long a 429/503 reply asks the client to wait, in ms, or undefined when it does not say:
 * `retry-after-ms` (OpenAI's, milliseconds) first, then `Retry-After` as delay-seconds or an
 * HTTP date (RFC 9110 §10.2.3; a date in the past means now). Unparsable values count as not saying.
 */
export function parseRetryAfterMs(headers: HeaderSource, now: number = Date.now()): number | undefined {
  const ms = headers?.get('retry-after-ms')?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Number(ms);
  const value = headers?.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  // Date.parse reads "-5" as a year: only a value with a weekday/month name is a date.
  const at = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
