import { afterEach, describe, expect, it, vi } from 'vitest';
import { Deadline } from './deadline.ts';

describe('Deadline', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('forwards the caller abort with its reason, and says it was the caller', () => {
    const caller = new AbortController();
    const d = new Deadline(caller.signal, 60_000);
    expect(d.signal.aborted).toBe(false);
    caller.abort('gone');
    expect(d.signal.reason).toBe('gone');
    expect(d.callerAborted).toBe(true);
    expect(d.timedOut).toBe(false);
    d.dispose();
  });

  it('starts aborted when the caller already is', () => {
    const caller = new AbortController();
    caller.abort('early');
    const d = new Deadline(caller.signal, 60_000);
    expect(d.signal.aborted).toBe(true);
    expect(d.signal.reason).toBe('early');
  });

  it('times out with a TimeoutError and says so', () => {
    vi.useFakeTimers();
    const d = new Deadline(undefined, 5_000);
    vi.advanceTimersByTime(4_999);
    expect(d.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(d.timedOut).toBe(true);
    expect(d.callerAborted).toBe(false);
    expect((d.signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it('dispose stops the timer and detaches from the caller; with a reason it aborts', () => {
    vi.useFakeTimers();
    const caller = new AbortController();
    const d = new Deadline(caller.signal, 5_000);
    d.dispose();
    vi.advanceTimersByTime(10_000);
    expect(d.timedOut).toBe(false);
    caller.abort('later');
    expect(d.signal.aborted).toBe(false);
    const e = new Deadline(undefined, undefined);
    e.dispose('finished');
    expect(e.signal.reason).toBe('finished');
  });

  it('restart pushes the timeout back', () => {
    vi.useFakeTimers();
    const d = new Deadline(undefined, 5_000);
    vi.advanceTimersByTime(4_000);
    d.restart();
    vi.advanceTimersByTime(4_000);
    expect(d.timedOut).toBe(false);
    vi.advanceTimersByTime(1_000);
    expect(d.timedOut).toBe(true);
  });
});
