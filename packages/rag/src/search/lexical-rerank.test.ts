import { describe, expect, it } from 'vitest';
import type { FusedItem } from './fuse-ranked-lists.ts';
import { lexicalRerank, lexicalTermsCacheSize } from './lexical-rerank.ts';

const item = (id: string, text: string, score: number): FusedItem<{ id: string; text: string }> => ({
  item: { id, text },
  score,
  ranks: { fts: 1 },
});
const options = { depth: 30, weight: 0.2, bigramWeight: 1 };
const ids = (items: readonly FusedItem<{ id: string }>[]) => items.map((f) => f.item.id);

describe('lexicalRerank', () => {
  it("lifts the item with the query's phrase over one with the same words apart, when fused scores are close", () => {
    const fused = [
      item('apart', 'The limit on cache size is set per rate plan.', 1.0),
      item('phrase', 'The rate limit applies per key.', 0.98),
      item('neither', 'Invoices are emailed monthly.', 0.5),
    ];
    const out = lexicalRerank('what is the rate limit', fused, (i) => i.text, options);
    expect(ids(out)).toEqual(['phrase', 'apart', 'neither']);
    // Scores stay sorted, best first.
    expect(out.map((f) => f.score)).toEqual([...out.map((f) => f.score)].sort((a, b) => b - a));
  });

  it('does not overturn a large fused lead with a small lexical edge', () => {
    const fused = [
      item('strong', 'Rotate keys every ninety days.', 1.0),
      item('phrase', 'The rate limit applies per key.', 0.1),
      item('weak', 'Nothing here.', 0.0),
    ];
    const out = lexicalRerank('rate limit for keys', fused, (i) => i.text, options);
    expect(ids(out)[0]).toBe('strong');
  });

  it('re-scores only the first `depth` items; the rest follow in fused order, scored below them', () => {
    const fused = [
      item('a', 'alpha', 0.9),
      item('b', 'beta', 0.8),
      item('c', 'rate limit rate limit', 0.7),
      item('d', 'rate limit', 0.6),
    ];
    const out = lexicalRerank('rate limit', fused, (i) => i.text, { ...options, depth: 2 });
    expect(ids(out)).toEqual(['a', 'b', 'c', 'd']);
    expect(Math.min(out[0]!.score, out[1]!.score)).toBeGreaterThanOrEqual(Math.max(out[2]!.score, out[3]!.score));
  });

  it('keeps the fused order when the query has no terms (only stop words) or there is one item', () => {
    const fused = [item('a', 'x y', 0.5), item('b', 'the rate', 0.4)];
    expect(ids(lexicalRerank('the of and', fused, (i) => i.text, options))).toEqual(['a', 'b']);
    expect(ids(lexicalRerank('rate', fused.slice(0, 1), (i) => i.text, options))).toEqual(['a']);
  });

  it('is deterministic and leaves its input untouched', () => {
    const fused = [item('a', 'rate limit', 0.5), item('b', 'limit rate', 0.5)];
    const copy = structuredClone(fused);
    const first = lexicalRerank('rate limit', fused, (i) => i.text, options);
    expect(lexicalRerank('rate limit', fused, (i) => i.text, options)).toEqual(first);
    expect(fused).toEqual(copy);
    expect(ids(first)).toEqual(['a', 'b']); // the phrase, in query order, wins the tie
  });

  it('counts a query term found inside a longer word: compound and camelCase identifiers', () => {
    // `abspath` and `enterContext` are one token each to the analyzer; `path` and `context` are in them.
    const code = [
      item('normalize', 'def normalize(s):\n    return s.strip()', 1.0),
      item('abspath', 'def abspath(p):\n    return _fullname(p)', 0.98),
      item('unrelated', 'def close(self):\n    self.closed = True', 0.5),
    ];
    expect(ids(lexicalRerank('Return the absolute version of a path.', code, (i) => i.text, options))[0]).toBe(
      'abspath',
    );
    const camel = [
      item('manager', 'def Manager(self):\n    return SyncManager()', 1.0),
      item('enter', 'def enterContext(self, cm):\n    return _enter_context(cm)', 0.98),
      item('unrelated', 'def close(self):\n    pass', 0.5),
    ];
    expect(ids(lexicalRerank('Enters the supplied context manager.', camel, (i) => i.text, options))[0]).toBe('enter');
  });

  it('counts a word once when it analyses to the query term itself, and never matches short terms inside words', () => {
    // `paths` is the term `path` (counted as such), not also `path` inside a longer word.
    const same = [item('b', 'paths path', 0.5), item('a', 'path path', 0.5), item('c', 'nothing', 0.4)];
    const out = lexicalRerank('path', same, (i) => i.text, options);
    expect(ids(out)).toEqual(['b', 'a', 'c']);
    expect(out[0]!.score).toBe(out[1]!.score);
    // `get` (3 characters) inside `target` is chance, not a sub-word.
    const short = [item('a', 'nothing here', 0.5), item('b', 'target', 0.5), item('c', 'other', 0.5)];
    expect(ids(lexicalRerank('get', short, (i) => i.text, options))).toEqual(['a', 'b', 'c']);
  });

  it('bounds its terms cache by characters: huge chunks neither pile up nor get cached whole', () => {
    // 30 distinct chunks of 400,000 characters each (a spec's chunk size has no upper bound).
    const big = Array.from({ length: 30 }, (_, i) =>
      item(`big${i}`, `rate limit ${i} ${'word '.repeat(80_000)}`, 30 - i),
    );
    expect(ids(lexicalRerank('rate limit', big, (i) => i.text, options))).toHaveLength(30);
    const after = lexicalTermsCacheSize();
    expect(after.chars).toBeLessThanOrEqual(5_000_000);
    expect(after.entries).toBeLessThan(30);
    // One text over the whole bound is analysed but not cached.
    const huge = [item('huge', `rate limit ${'x '.repeat(3_000_000)}`, 1), item('small', 'rate', 0.5)];
    expect(ids(lexicalRerank('rate limit', huge, (i) => i.text, options))).toEqual(['huge', 'small']);
    expect(lexicalTermsCacheSize().chars).toBeLessThanOrEqual(5_000_000);
  });
});
