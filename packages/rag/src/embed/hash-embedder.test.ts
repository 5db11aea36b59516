import { describe, expect, it } from 'vitest';
import { HashEmbedder } from './hash-embedder.ts';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

describe('HashEmbedder', () => {
  it('has the embedder identity an index records', () => {
    const e = new HashEmbedder({ dimensions: 256 });
    expect([e.specificationVersion, e.provider, e.modelId, e.dimensions]).toEqual(['v1', 'hash', 'hash-v2', 256]);
    expect(new HashEmbedder().dimensions).toBe(1024);
  });

  it('returns L2-normalised vectors of the configured dimensions', async () => {
    const e = new HashEmbedder({ dimensions: 256 });
    const { embeddings, warnings } = await e.doEmbed({ values: ['Hello world, this is a test.', 'Prompt caching'] });
    expect(warnings).toEqual([]);
    expect(embeddings).toHaveLength(2);
    for (const v of embeddings) {
      expect(v).toHaveLength(256);
      expect(dot(v, v)).toBeCloseTo(1, 5);
    }
  });

  it('is deterministic across instances and independent of what was embedded before', async () => {
    const text = 'Prompt caching reduces latency and cost for long prompts.';
    const fresh = new HashEmbedder().embedOne(text);
    const used = new HashEmbedder();
    for (let i = 0; i < 50; i++) used.embedOne(`warm up text number ${i} with other words like caching ${i * 7}`);
    expect(Array.from(used.embedOne(text))).toEqual(Array.from(fresh));
    const { embeddings } = await used.doEmbed({ values: [text] });
    expect(embeddings[0]).toEqual(Array.from(fresh));
  });

  it('ignores case, punctuation, stop words and inflection', () => {
    const e = new HashEmbedder();
    const a = e.embedOne('How do I enable prompt caching?');
    const b = e.embedOne('ENABLE the Prompt-Cache!');
    const c = e.embedOne('enabled prompts cached');
    expect(dot(a, b)).toBeGreaterThan(0.7);
    expect(dot(a, c)).toBeGreaterThan(0.7);
  });

  it('ranks a text sharing words above an unrelated one', () => {
    const e = new HashEmbedder();
    const q = e.embedOne('How do I enable prompt caching?');
    const related = e.embedOne('Prompt caching lets you reuse a cached prompt prefix to cut cost.');
    const unrelated = e.embedOne('The weather in Paris is mild in spring.');
    expect(dot(q, related)).toBeGreaterThan(dot(q, unrelated) + 0.2);
  });

  it('matches a misspelt or unstemmed word partly through character trigrams', () => {
    const e = new HashEmbedder();
    const q = e.embedOne('tokenization');
    // different stems (token / tokenis) still share 4 of their trigrams; an unrelated word shares none
    expect(dot(q, e.embedOne('tokenisation'))).toBeGreaterThan(0.15);
    expect(Math.abs(dot(q, e.embedOne('photosynthesis')))).toBeLessThan(0.1);
  });

  it('weighs word order through bigrams', () => {
    const e = new HashEmbedder();
    const q = e.embedOne('rate limit');
    expect(dot(q, e.embedOne('the rate limit'))).toBeCloseTo(1, 5);
    expect(dot(q, e.embedOne('limit the rate'))).toBeLessThan(0.95);
  });

  it('dampens repeated words (sublinear tf)', () => {
    const e = new HashEmbedder();
    const q = e.embedOne('claude pricing');
    // Linear tf would let "claude" x10 swamp "pricing"; with 1 + ln tf the pricing text stays close.
    expect(dot(q, e.embedOne(`${'claude '.repeat(10)}pricing`))).toBeGreaterThan(0.75);
  });

  it('handles non-ASCII letters and keeps numbers', () => {
    const e = new HashEmbedder();
    expect(dot(e.embedOne('Café Über'), e.embedOne('café über'))).toBeCloseTo(1, 5);
    expect(dot(e.embedOne('model 3'), e.embedOne('model 4'))).toBeLessThan(0.95);
  });

  it('embeds empty, symbol-only and stop-word-only text as a zero vector', async () => {
    const { embeddings } = await new HashEmbedder({ dimensions: 64 }).doEmbed({
      values: ['', '!!! ---', 'the of and a'],
    });
    for (const v of embeddings) expect(v.every((x) => x === 0)).toBe(true);
  });

  it('embeds a text with many distinct tokens (cache growth)', () => {
    const e = new HashEmbedder({ dimensions: 128 });
    const text = Array.from({ length: 100_000 }, (_, i) => `w${i}x`).join(' ');
    const v = e.embedOne(text);
    expect(dot(v, v)).toBeCloseTo(1, 4);
    expect(Array.from(e.embedOne(text))).toEqual(Array.from(new HashEmbedder({ dimensions: 128 }).embedOne(text)));
  });

  it('rejects invalid dimensions', () => {
    expect(() => new HashEmbedder({ dimensions: 0 })).toThrow(RangeError);
    expect(() => new HashEmbedder({ dimensions: 1.5 })).toThrow(RangeError);
    expect(() => new HashEmbedder({ dimensions: 100_000 })).toThrow(RangeError);
  });

  it('honours an aborted signal', async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(new HashEmbedder().doEmbed({ values: ['a'], abortSignal: ctrl.signal })).rejects.toThrow();
  });
});
