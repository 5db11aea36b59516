import { describe, expect, it } from 'vitest';
import { chunkIndexText, sourcePathWords } from './index-text.ts';

describe('chunkIndexText', () => {
  it('prepends title and heading path, without repeats', () => {
    expect(chunkIndexText({ text: 'Body.', title: 'Guide', headingPath: ['Guide', 'Setup'] })).toBe(
      'Guide > Setup\n\nBody.',
    );
  });

  it('adds the words of a path-like document id on their own line', () => {
    expect(
      chunkIndexText({ text: 'Body.', title: 'Pricing', documentId: 'https://docs.example.com/en/tool-use#pricing' }),
    ).toBe('Pricing\nen tool use pricing\n\nBody.');
    expect(chunkIndexText({ text: 'Body.', documentId: 'guides/rate_limits.md' })).toBe('guides rate limits\n\nBody.');
  });

  it('returns the text alone when there is no context', () => {
    expect(chunkIndexText({ text: 'Body.' })).toBe('Body.');
    expect(chunkIndexText({ text: 'Body.', title: ' ', headingPath: [], documentId: 'a1b2c3' })).toBe('Body.');
  });
});

describe('sourcePathWords', () => {
  it('drops scheme, host, query and file extension; keeps the anchor', () => {
    expect(sourcePathWords('https://docs.claude.com/en/docs/build-with-claude/embeddings?x=1#how-to')).toBe(
      'en docs build with claude embeddings how to',
    );
    expect(sourcePathWords('docs/Getting%20Started.html')).toBe('docs Getting Started');
    expect(sourcePathWords('C:\\notes/a.txt')).toBe('C notes a');
  });

  it('gives nothing for ids without a slash, and survives bad percent-encoding', () => {
    expect(sourcePathWords('efc09699')).toBe('');
    expect(sourcePathWords('docs/100%/x.md')).toBe('docs 100% x');
  });
});
