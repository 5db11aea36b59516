import { describe, expect, it } from 'vitest';
import { createLifecycle } from './lifecycle.ts';

describe('createLifecycle', () => {
  it('runs hooks once, newest first, awaiting each', async () => {
    const lifecycle = createLifecycle();
    const order: string[] = [];
    lifecycle.onShutdown(async () => {
      await new Promise((r) => setTimeout(r, 5));
      order.push('first');
    });
    lifecycle.onShutdown(() => {
      order.push('second');
    });
    await Promise.all([lifecycle.shutdown(), lifecycle.shutdown()]);
    expect(order).toEqual(['second', 'first']);
    expect(() => lifecycle.onShutdown(() => {})).toThrow(/after shutdown/);
  });

  it('runs every hook even when one fails, then rejects with all failures', async () => {
    const lifecycle = createLifecycle();
    let ran = false;
    lifecycle.onShutdown(() => {
      ran = true;
    });
    lifecycle.onShutdown(() => {
      throw new Error('flush failed');
    });
    await expect(lifecycle.shutdown()).rejects.toThrow(/1 shutdown hook\(s\) failed/);
    expect(ran).toBe(true);
  });
});
