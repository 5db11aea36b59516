import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion } from './reciprocal-rank-fusion.ts';

const id = (s: string) => s;

describe('reciprocalRankFusion', () => {
  it('sums weight / (k + rank) over lists and records ranks', () => {
    const fused = reciprocalRankFusion(
      [
        { name: 'vector', items: ['a', 'b', 'c'], weight: 1 },
        { name: 'fts', items: ['c', 'a', 'd'], weight: 1 },
      ],
      id,
      { k: 60, limit: 10 },
    );
    expect(fused.map((f) => f.item)).toEqual(['a', 'c', 'b', 'd']);
    expect(fused[0]!.score).toBeCloseTo(1 / 61 + 1 / 62);
    expect(fused[0]!.ranks).toEqual({ vector: 1, fts: 2 });
    expect(fused[3]!.ranks).toEqual({ fts: 3 });
  });

  it('applies weights and the limit', () => {
    const lists = [
      { name: 'vector', items: ['a', 'b'], weight: 1 },
      { name: 'fts', items: ['b', 'a'], weight: 3 },
    ];
    expect(reciprocalRankFusion(lists, id, { k: 1, limit: 1 }).map((f) => f.item)).toEqual(['b']);
    expect(reciprocalRankFusion([{ ...lists[0]!, weight: 5 }, lists[1]!], id, { k: 1, limit: 2 })[0]!.item).toBe('a');
  });

  it('counts an item once per list', () => {
    const fused = reciprocalRankFusion([{ name: 'v', items: ['a', 'a'], weight: 1 }], id, { k: 0, limit: 5 });
    expect(fused).toHaveLength(1);
    expect(fused[0]!.score).toBe(1);
  });
});
