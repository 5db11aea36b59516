import { describe, expect, it } from 'vitest';
import { meanRetrievalScores, scoreRetrieval, topKDistinct } from './retrieval-metrics.ts';

describe('topKDistinct', () => {
  it('counts chunks of one document once, keeping rank order', () => {
    expect(topKDistinct(['a', 'a', 'b', 'a', 'c', 'd'], 3)).toEqual(['a', 'b', 'c']);
    expect(topKDistinct(['a'], 3)).toEqual(['a']);
  });
});

// Ideal DCG of two gold ids: 1 + 1/log2(3).
const IDCG2 = 1 + 1 / Math.log2(3);

describe('scoreRetrieval', () => {
  it('scores over distinct document ids', () => {
    // top-3 distinct: x, g1, y → one of two gold found at rank 2
    const s = scoreRetrieval(['x', 'x', 'g1', 'y', 'g2'], ['g1', 'g2'], 3);
    expect(s).toMatchObject({ recall: 0.5, precision: 1 / 3, mrr: 0.5 });
    expect(s.ndcg).toBeCloseTo(1 / Math.log2(3) / IDCG2, 12);
  });

  it('gives full marks when all gold ids lead the list', () => {
    expect(scoreRetrieval(['g1', 'g2', 'z'], ['g2', 'g1'], 3)).toEqual({
      recall: 1,
      precision: 2 / 3,
      mrr: 1,
      ndcg: 1,
    });
  });

  it('nDCG rewards gold ranked higher: the same hits lower in the list score less', () => {
    const high = scoreRetrieval(['g', 'a', 'b'], ['g'], 3).ndcg;
    const low = scoreRetrieval(['a', 'b', 'g'], ['g'], 3).ndcg;
    expect(high).toBe(1);
    expect(low).toBeCloseTo(1 / Math.log2(4), 12); // rank 3: 1/log2(3+1) = 0.5
    // With more gold than k, the ideal list is k gold ids long: two of three gold in a top 2 is perfect.
    expect(scoreRetrieval(['g1', 'g2'], ['g1', 'g2', 'g3'], 2).ndcg).toBe(1);
  });

  it('scores a miss as zero and divides precision by k even for short lists', () => {
    expect(scoreRetrieval([], ['g'], 3)).toEqual({ recall: 0, precision: 0, mrr: 0, ndcg: 0 });
    expect(scoreRetrieval(['g'], ['g'], 3)).toEqual({ recall: 1, precision: 1 / 3, mrr: 1, ndcg: 1 });
  });

  it('ignores gold ids found only below k', () => {
    expect(scoreRetrieval(['a', 'b', 'c', 'g'], ['g'], 3)).toEqual({ recall: 0, precision: 0, mrr: 0, ndcg: 0 });
  });

  it('rejects k < 1 and empty gold sets', () => {
    expect(() => scoreRetrieval(['a'], ['a'], 0)).toThrow(RangeError);
    expect(() => scoreRetrieval(['a'], [], 3)).toThrow(RangeError);
  });
});

describe('meanRetrievalScores', () => {
  it('averages each score', () => {
    const mean = meanRetrievalScores([
      { recall: 1, precision: 1 / 3, mrr: 1, ndcg: 1 },
      { recall: 0, precision: 0, mrr: 0, ndcg: 0 },
    ]);
    expect(mean).toEqual({ recall: 0.5, precision: 1 / 6, mrr: 0.5, ndcg: 0.5 });
    expect(meanRetrievalScores([])).toEqual({ recall: 0, precision: 0, mrr: 0, ndcg: 0 });
  });
});
