import { describe, expect, it } from 'vitest';
import { IntCountTable } from './int-count-table.ts';

const entries = (t: IntCountTable) => {
  const out: [number, number][] = [];
  t.forEach((k, c) => {
    out.push([k, c]);
  });
  return out;
};

describe('IntCountTable', () => {
  it('counts keys in insertion order, growing past its initial capacity', () => {
    const t = new IntCountTable(4);
    const keys = Array.from({ length: 1000 }, (_, i) => Math.imul(i + 1, 0x9e3779b1));
    for (const k of keys) t.increment(k);
    t.increment(keys[3]!);
    t.increment(keys[999]!);
    expect(t.size).toBe(1000);
    const got = entries(t);
    expect(got.map(([k]) => k)).toEqual(keys);
    expect(got[3]![1]).toBe(2);
    expect(got[999]![1]).toBe(2);
    expect(got[0]![1]).toBe(1);
  });

  it('clears, and counts key 0 as key 1', () => {
    const t = new IntCountTable();
    t.increment(5);
    t.clear();
    expect(t.size).toBe(0);
    t.increment(0);
    t.increment(1);
    expect(entries(t)).toEqual([[1, 2]]);
  });
});
