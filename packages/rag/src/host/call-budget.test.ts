import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { callBudget } from './chain-outcome.ts';

describe('callBudget', () => {
  it('has no signal without a caller signal or a timeout', () => {
    const budget = callBudget(undefined, undefined);
    expect(budget.signal).toBeUndefined();
    expect(budget.failureOf(new Error('boom'))).toMatchObject({ code: 'internal', message: 'boom' });
  });

  it('passes the caller signal through alone, and its abort is `aborted`', () => {
    const caller = new AbortController();
    const budget = callBudget(caller.signal, undefined);
    expect(budget.signal).toBe(caller.signal);
    caller.abort();
    expect(budget.failureOf(caller.signal.reason)).toMatchObject({ code: 'aborted', retryable: false });
  });

  it('fires on the timeout, which is `timeout` naming the budget, even with a caller signal', async () => {
    const caller = new AbortController();
    const budget = callBudget(caller.signal, 5);
    await once(budget.signal!, 'abort');
    expect(caller.signal.aborted).toBe(false);
    expect(budget.failureOf(budget.signal!.reason)).toMatchObject({
      code: 'timeout',
      message: 'no answer within 5 ms',
      retryable: true,
    });
  });

  it('fires on the caller abort before the timeout', () => {
    const caller = new AbortController();
    const budget = callBudget(caller.signal, 60_000);
    caller.abort();
    expect(budget.signal!.aborted).toBe(true);
    expect(budget.failureOf(budget.signal!.reason)).toMatchObject({ code: 'aborted' });
  });
});
