import { describe, expect, it } from 'vitest';
import { RETRIEVAL_DEFAULTS } from '../search/retrieval-defaults.ts';
import { type Chunk, resolveChunkerConfig } from './chunk.ts';
import { createChunker } from './chunk-document.ts';
import { parseMarkdownHeadings } from './markdown-headings.ts';
import { countTokens } from './token-length.ts';

const paragraph = (n: number) =>
  `Paragraph ${n} talks about topic ${n}. ${'It has several sentences with ordinary words in them. '.repeat(4)}`;

const markdown = [
  '# Guide',
  '',
  paragraph(1),
  '',
  '## Install',
  '',
  paragraph(2),
  '',
  '```sh',
  '# not a heading, a shell comment',
  '```',
  '',
  '### Linux',
  '',
  paragraph(3),
  '',
  '## Usage',
  '',
  paragraph(4),
].join('\n');

describe('createChunker', () => {
  it('takes its defaults from RETRIEVAL_DEFAULTS.chunk', () => {
    const c = resolveChunkerConfig();
    expect(c).toEqual({
      strategy: RETRIEVAL_DEFAULTS.chunk.strategy,
      size: RETRIEVAL_DEFAULTS.chunk.sizeChars,
      overlap: RETRIEVAL_DEFAULTS.chunk.overlapChars,
    });
  });

  for (const strategy of ['recursive', 'markdown', 'token'] as const) {
    it(`${strategy}: chunks are the document text at their offsets, in order, within size`, async () => {
      const size = strategy === 'token' ? 60 : 300;
      const chunker = createChunker(resolveChunkerConfig({ strategy, size, overlap: strategy === 'token' ? 10 : 50 }));
      const doc = { id: 'guide.md', text: markdown, title: 'Guide' };
      const chunks = await chunker.chunk(doc);
      expect(chunks.length).toBeGreaterThan(3);
      chunks.forEach((c, i) => {
        expect(c.text).toBe(doc.text.slice(c.startChar, c.endChar));
        expect(c.position).toBe(i);
        expect(c.id).toBe(`guide.md#${i}`);
        expect(c.documentId).toBe('guide.md');
        expect(c.title).toBe('Guide');
        const length = strategy === 'token' ? countTokens(c.text) : c.text.length;
        expect(length).toBeLessThanOrEqual(size);
        if (i > 0) expect(c.startChar).toBeGreaterThan(chunks[i - 1]!.startChar);
      });
      // Every non-blank character of the document is in some chunk.
      const covered = new Uint8Array(doc.text.length);
      for (const c of chunks) covered.fill(1, c.startChar, c.endChar);
      for (let i = 0; i < doc.text.length; i++) if (doc.text[i]!.trim() !== '') expect(covered[i]).toBe(1);
    });
  }

  it('markdown: keeps the heading path where each chunk starts', async () => {
    const chunker = createChunker(resolveChunkerConfig({ strategy: 'markdown', size: 300, overlap: 0 }));
    const chunks = await chunker.chunk({ id: 'g', text: markdown });
    const pathOf = (needle: string) => chunks.find((c) => c.text.includes(needle))?.headingPath;
    expect(pathOf('Paragraph 1 talks')).toEqual(['Guide']);
    expect(pathOf('Paragraph 2 talks')).toEqual(['Guide', 'Install']);
    expect(pathOf('Paragraph 3 talks')).toEqual(['Guide', 'Install', 'Linux']);
    expect(pathOf('Paragraph 4 talks')).toEqual(['Guide', 'Usage']);
  });

  it('recursive: heading paths for .md documents only (a # line in extracted text is not a heading)', async () => {
    const chunker = createChunker(resolveChunkerConfig({ strategy: 'recursive', size: 300, overlap: 0 }));
    const md = await chunker.chunk({ id: 'guide.md', text: markdown });
    expect(md.find((c) => c.text.includes('Paragraph 3 talks'))!.headingPath).toEqual(['Guide', 'Install', 'Linux']);
    const extracted = await chunker.chunk({ id: 'https://x/page', text: markdown });
    expect(extracted.every((c) => c.headingPath.length === 0)).toBe(true);
  });

  it('a document that fits in one chunk is one chunk, trimmed, with exact offsets', async () => {
    const text = '\n\n  Short text with spaces around.  \n';
    const [only, ...rest] = await createChunker(resolveChunkerConfig()).chunk({ id: 'short.txt', text });
    expect(rest).toEqual([]);
    expect(only!.text).toBe('Short text with spaces around.');
    expect(text.slice(only!.startChar, only!.endChar)).toBe(only!.text);
  });

  it('token: 64 KB without spaces (letters, astral) chunks about as fast as 64 KB of prose, within size', async () => {
    const chunker = createChunker(resolveChunkerConfig({ strategy: 'token', size: 100, overlap: 10 }));
    /** Fastest of a few runs, in ms: the least disturbed by a busy machine. */
    const fastest = async (text: (run: number) => string, runs: number) => {
      let best = Number.POSITIVE_INFINITY;
      let chunks: Chunk[] = [];
      for (let run = 0; run < runs; run++) {
        const doc = { id: 'long.txt', text: text(run) }; // a new text each run: no tokenizer cache hit
        const start = performance.now();
        chunks = await chunker.chunk(doc);
        best = Math.min(best, performance.now() - start);
      }
      return { ms: best, chunks };
    };
    const size = 64 * 1024;
    const prose = (run: number) =>
      `${run} ${paragraph(run).repeat(Math.ceil(size / paragraph(0).length))}`.slice(0, size);
    const baseline = (await fastest(prose, 3)).ms;
    for (const alphabet of [
      ['a', 'b', 'c', 'd', 'e'],
      ['𝕏', '𝔸', '𝕐', '𝒵'],
      ['x', '9', '!', '{'],
    ]) {
      let seed = 0;
      const word = (run: number) => {
        seed = run + 1;
        const chars = Array.from({ length: size / alphabet[0]!.length }, () => {
          seed = (seed * 1103515245 + 12345) % 2 ** 31;
          return alphabet[seed % alphabet.length]!;
        });
        return `# title\n${chars.join('')}`;
      };
      // Against prose of the same length: measured 1-6× (the splitter's last resort works per
      // character), 25× once on a loaded machine; tokenizing the long word whole (quadratic) measured
      // 70-100×. The bound sits between the two.
      const { ms, chunks } = await fastest(word, 3);
      expect(ms / baseline).toBeLessThan(45);
      for (const c of chunks) expect(countTokens(c.text)).toBeLessThanOrEqual(100);
      expect(chunks.map((c) => c.text).join('')).toContain(word(1).slice(5000, 5010));
    }
  });

  it('gives no chunks for blank documents', async () => {
    expect(await createChunker(resolveChunkerConfig()).chunk({ id: 'e', text: ' \n\n ' })).toEqual([]);
  });
});

describe('parseMarkdownHeadings', () => {
  it('finds ATX headings with offsets and ignores fenced code', () => {
    const h = parseMarkdownHeadings(markdown);
    expect(h.map((x) => [x.level, x.text])).toEqual([
      [1, 'Guide'],
      [2, 'Install'],
      [3, 'Linux'],
      [2, 'Usage'],
    ]);
    for (const x of h) expect(markdown.slice(x.offset).startsWith('#'.repeat(x.level))).toBe(true);
  });
});
