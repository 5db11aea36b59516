import { describe, expect, it } from 'vitest';
import { convexFusion } from './convex-fusion.ts';
import { reciprocalRankFusion } from './reciprocal-rank-fusion.ts';

type Hit = { id: string; s: number };
const list = (name: string, weight: number, items: Hit[]) => ({ name, weight, items, score: (h: Hit) => h.s });

describe('convexFusion', () => {
  it('sums weighted min-max normalised scores and records ranks', () => {
    const fused = convexFusion(
      [
        list('vector', 0.4, [
          { id: 'a', s: 0.9 },
          { id: 'b', s: 0.5 },
          { id: 'c', s: 0.1 },
        ]),
        list('fts', 0.6, [
          { id: 'b', s: 12 },
          { id: 'd', s: 8 },
          { id: 'a', s: 2 },
        ]),
      ],
      (h) => h.id,
      { limit: 10 },
    );
    expect(fused.map((f) => f.item.id)).toEqual(['b', 'a', 'd', 'c']);
    expect(fused[0]!.score).toBeCloseTo(0.4 * 0.5 + 0.6 * 1);
    expect(fused[1]!.score).toBeCloseTo(0.4 * 1 + 0);
    expect(fused[2]!.score).toBeCloseTo(0.6 * 0.6);
    expect(fused[0]!.ranks).toEqual({ vector: 2, fts: 1 });
    expect(fused[3]!.ranks).toEqual({ vector: 3 });
  });

  it('keeps a confident first hit of the heavier list ahead, where RRF does not', () => {
    // BM25 is sure of x (score far above the rest); the vector list barely separates its items.
    const lists = [
      list('vector', 0.4, [
        { id: 'y', s: 0.61 },
        { id: 'z', s: 0.6 },
        { id: 'x', s: 0.59 },
      ]),
      list('fts', 0.6, [
        { id: 'x', s: 20 },
        { id: 'y', s: 5 },
        { id: 'z', s: 4 },
      ]),
    ];
    expect(convexFusion(lists, (h) => h.id, { limit: 1 }).map((f) => f.item.id)).toEqual(['x']);
    expect(reciprocalRankFusion(lists, (h) => h.id, { k: 60, limit: 1 }).map((f) => f.item.id)).toEqual(['y']);
  });

  it('gives every item of a flat or single-item list full marks, and handles empty lists', () => {
    const fused = convexFusion([list('fts', 1, [{ id: 'only', s: 3 }]), list('vector', 1, [])], (h) => h.id, {
      limit: 5,
    });
    expect(fused).toEqual([{ item: { id: 'only', s: 3 }, score: 1, ranks: { fts: 1 } }]);
  });

  it('counts an id once per list and honours the limit', () => {
    const fused = convexFusion(
      [
        list('fts', 1, [
          { id: 'a', s: 3 },
          { id: 'a', s: 2 },
          { id: 'b', s: 1 },
        ]),
      ],
      (h) => h.id,
      { limit: 1 },
    );
    expect(fused).toHaveLength(1);
    expect(fused[0]!.score).toBe(1);
  });
});
