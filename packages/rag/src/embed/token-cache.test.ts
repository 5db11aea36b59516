import { describe, expect, it } from 'vitest';
import { TokenCache } from './token-cache.ts';

describe('TokenCache', () => {
  it('maps 64-bit keys to values, growing as needed', () => {
    const c = new TokenCache(8);
    for (let i = 0; i < 5000; i++) c.set(Math.imul(i, 0x85ebca6b), i * 7, i);
    expect(c.size).toBe(5000);
    for (let i = 0; i < 5000; i += 97) expect(c.get(Math.imul(i, 0x85ebca6b), i * 7)).toBe(i);
    // same first half, other second half: a different key
    expect(c.get(Math.imul(42, 0x85ebca6b), 1)).toBe(-1);
  });

  it('is empty after clear', () => {
    const c = new TokenCache(8);
    c.set(1, 2, 3);
    c.clear();
    expect(c.size).toBe(0);
    expect(c.get(1, 2)).toBe(-1);
  });
});
