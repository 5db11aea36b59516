import { ProviderCallError } from '@ragops/core';
import { describe, expect, it } from 'vitest';
import { Attempt } from './call-policy.ts';

describe('Attempt', () => {
  it("forwards the caller's abort, with its reason, to the provider's signal", () => {
    const caller = new AbortController();
    const attempt = new Attempt({ caller: caller.signal, timeoutMs: 60_000, provider: 'p' });
    expect(attempt.signal.aborted).toBe(false);
    const reason = new Error('client went away');
    caller.abort(reason);
    expect(attempt.signal.aborted).toBe(true);
    expect(attempt.signal.reason).toBe(reason);
    expect(attempt.translate(new Error('provider saw abort'))).toBe(reason);
    attempt.dispose();
  });

  it('starts aborted when the caller already is', () => {
    const caller = new AbortController();
    caller.abort('gone');
    const attempt = new Attempt({ caller: caller.signal, timeoutMs: 60_000, provider: 'p' });
    expect(attempt.signal.aborted).toBe(true);
    expect(attempt.signal.reason).toBe('gone');
    attempt.dispose();
  });

  it('cancels the provider on dispose and stops listening to the caller', () => {
    const caller = new AbortController();
    const a = new Attempt({ caller: caller.signal, timeoutMs: 60_000, provider: 'p' });
    const b = new Attempt({ caller: caller.signal, timeoutMs: 60_000, provider: 'p' });
    a.dispose();
    b.dispose();
    expect(a.signal.aborted).toBe(true);
    expect((a.signal.reason as DOMException).name).toBe('AbortError');
    caller.abort(new Error('later'));
    expect((a.signal.reason as DOMException).message).toBe('attempt finished');
  });

  it('finishes an answered attempt without aborting its signal, and stops listening to the caller', () => {
    const caller = new AbortController();
    const attempt = new Attempt({ caller: caller.signal, timeoutMs: 60_000, provider: 'p' });
    attempt.finish();
    caller.abort(new Error('later'));
    expect(attempt.signal.aborted).toBe(false);
  });

  it('times out as a retryable ProviderCallError', async () => {
    const attempt = new Attempt({ caller: undefined, timeoutMs: 5, provider: 'p' });
    await new Promise<void>((resolve) => attempt.signal.addEventListener('abort', () => resolve(), { once: true }));
    expect((attempt.signal.reason as DOMException).name).toBe('TimeoutError');
    const error = attempt.translate(new Error('aborted'));
    expect(ProviderCallError.isInstance(error) && error.isRetryable).toBe(true);
    attempt.dispose();
  });
});
