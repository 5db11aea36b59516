import { describe, expect, it } from 'vitest';
import { meanRetrievalScores, scoreRetrieval, topKDistinct } from './retrieval-metrics.ts';

describe('topKDistinct', () => {
  it('counts chunks of one document once, keeping rank order', () => {
    expect(topKDistinct(['a', 'a', 'b', 'a', 'c', 'd'], 3)).toEqual(['a', 'b', 'c']);
    expect(topKDistinct(['a'], 3)).toEqual(['a']);
  });
});

describe('scoreRetrieval', () => {
  it('scores over distinct document ids', () => {
    // top-3 distinct: x, g1, y → one of two gold found at rank 2
    expect(scoreRetrieval(['x', 'x', 'g1', 'y', 'g2'], ['g1', 'g2'], 3)).toEqual({
      recall: 0.5,
      precision: 1 / 3,
      mrr: 0.5,
    });
  });

  it('gives full marks when all gold ids lead the list', () => {
    expect(scoreRetrieval(['g1', 'g2', 'z'], ['g2', 'g1'], 3)).toEqual({ recall: 1, precision: 2 / 3, mrr: 1 });
  });

  it('scores a miss as zero and divides precision by k even for short lists', () => {
    expect(scoreRetrieval([], ['g'], 3)).toEqual({ recall: 0, precision: 0, mrr: 0 });
    expect(scoreRetrieval(['g'], ['g'], 3)).toEqual({ recall: 1, precision: 1 / 3, mrr: 1 });
  });

  it('ignores gold ids found only below k', () => {
    expect(scoreRetrieval(['a', 'b', 'c', 'g'], ['g'], 3)).toEqual({ recall: 0, precision: 0, mrr: 0 });
  });

  it('rejects k < 1 and empty gold sets', () => {
    expect(() => scoreRetrieval(['a'], ['a'], 0)).toThrow(RangeError);
    expect(() => scoreRetrieval(['a'], [], 3)).toThrow(RangeError);
  });
});

describe('meanRetrievalScores', () => {
  it('averages each score', () => {
    const mean = meanRetrievalScores([
      { recall: 1, precision: 1 / 3, mrr: 1 },
      { recall: 0, precision: 0, mrr: 0 },
    ]);
    expect(mean).toEqual({ recall: 0.5, precision: 1 / 6, mrr: 0.5 });
    expect(meanRetrievalScores([])).toEqual({ recall: 0, precision: 0, mrr: 0 });
  });
});
