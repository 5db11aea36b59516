import { ProviderCallError } from '@ragops/core';
import { describe, expect, it } from 'vitest';
import { parseRetryAfterMs } from './retry-after.ts';
import { RETRY_DEFAULTS, retryDelayMs } from './retry-policy.ts';

const headers = (h: Record<string, string>) => new Headers(h);

describe('parseRetryAfterMs', () => {
  it('reads retry-after-ms first, then Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterMs(headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
    expect(parseRetryAfterMs(headers({ 'retry-after': '2' }), now)).toBe(2_000);
    expect(parseRetryAfterMs(headers({ 'retry-after': '0.5' }), now)).toBe(500);
    expect(parseRetryAfterMs(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toBe(3_000);
    // A date already past means "now"; nonsense and negative numbers mean the server did not say.
    expect(parseRetryAfterMs(headers({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }), now)).toBe(0);
    expect(parseRetryAfterMs(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfterMs(headers({ 'retry-after': '-5' }), now)).toBeUndefined();
    expect(parseRetryAfterMs(headers({}), now)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  const asked = (ms: number) =>
    new ProviderCallError({ provider: 'p', message: 'slow down', statusCode: 429, retryAfterMs: ms });

  it("uses the server's ask, capped at maxRetryAfterMs (default 30 s)", () => {
    expect(retryDelayMs({}, 0, asked(1_500))).toBe(1_500);
    expect(retryDelayMs({}, 0, asked(86_400_000))).toBe(RETRY_DEFAULTS.maxRetryAfterMs);
    expect(retryDelayMs({ maxRetryAfterMs: 200 }, 3, asked(86_400_000))).toBe(200);
  });

  it('without an ask: min(maxDelayMs, initialDelayMs·2^k) times a jitter in [0.5, 1)', () => {
    const error = new ProviderCallError({ provider: 'p', message: 'busy', statusCode: 503 });
    expect(retryDelayMs({ random: () => 0 }, 0, error)).toBe(125);
    expect(retryDelayMs({ random: () => 0.999 }, 1, error)).toBeCloseTo(499.75);
    expect(retryDelayMs({ random: () => 0 }, 10, error)).toBe(RETRY_DEFAULTS.maxDelayMs / 2);
  });
});
