import { describe, expect, it } from 'vitest';
import { PushStream } from './push-stream.ts';

describe('PushStream', () => {
  it('yields what was pushed before and after the read began, then ends; no cancel on a full read', async () => {
    let cancelled = 0;
    const s = new PushStream<number>(() => cancelled++);
    s.push(1);
    setTimeout(() => {
      s.push(2);
      s.end();
    }, 5);
    const seen: number[] = [];
    for await (const n of s) seen.push(n);
    expect(seen).toEqual([1, 2]);
    expect(cancelled).toBe(0);
  });

  it('throws the failure after the buffered items', async () => {
    const s = new PushStream<number>();
    s.push(1);
    s.fail(new Error('broke'));
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const n of s) seen.push(n);
      })(),
    ).rejects.toThrow('broke');
    expect(seen).toEqual([1]);
  });

  it('tells the producer when the reader stops early', async () => {
    let cancelled = 0;
    const s = new PushStream<number>(() => cancelled++);
    s.push(1);
    s.push(2);
    for await (const n of s) if (n === 1) break;
    expect(cancelled).toBe(1);
  });
});
