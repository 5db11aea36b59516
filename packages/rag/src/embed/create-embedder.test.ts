import { describe, expect, it } from 'vitest';
import { createEmbedder } from './create-embedder.ts';
import { HashEmbedder } from './hash-embedder.ts';

describe('createEmbedder', () => {
  it('shares one hash embedder per dimension count, with the results of a fresh one', async () => {
    const a = createEmbedder({ provider: 'hash', model: 'hash-v2', dimensions: 64 });
    const b = createEmbedder({ provider: 'hash', model: 'hash-v2', dimensions: 64 });
    const other = createEmbedder({ provider: 'hash', model: 'hash-v2', dimensions: 128 });
    expect(b).toBe(a);
    expect(other).not.toBe(a);
    expect(other.dimensions).toBe(128);
    await a.doEmbed({ values: ['warm the shared caches with other words', 'rotating keys and tokens'] });
    const shared = await b.doEmbed({ values: ['how do I rotate API keys?'] });
    const fresh = await new HashEmbedder({ dimensions: 64 }).doEmbed({ values: ['how do I rotate API keys?'] });
    expect(shared.embeddings).toEqual(fresh.embeddings);
  });

  it('still refuses a hash model it does not implement', () => {
    expect(() => createEmbedder({ provider: 'hash', model: 'hash-v1', dimensions: 64 })).toThrow(/hash-v2/);
  });
});
