import { MarkdownTextSplitter, RecursiveCharacterTextSplitter, type TextSplitter } from '@langchain/textsplitters';
import type { SourceDocument } from '../load/source-document.ts';
import type { Chunk, ChunkerConfig } from './chunk.ts';
import { headingPathTracker, parseMarkdownHeadings } from './markdown-headings.ts';
import { countTokens } from './token-length.ts';

/** Splits documents into chunks with one splitter built once from the config. */
export type Chunker = {
  readonly config: ChunkerConfig;
  chunk(doc: Pick<SourceDocument, 'id' | 'text' | 'title'>): Promise<Chunk[]>;
};

/**
 * countTokens for the splitter's pieces. Its last resort splits a long word into UTF-16 code units,
 * and a lone surrogate counts as one replacement character, so that a chunk of astral characters
 * (3 tokens each) came out at 148 tokens for a size of 100. A half counts 2: a pair, 4, is the most
 * one code point can take (4 UTF-8 bytes).
 */
function splitTokenLength(text: string): number {
  const c = text.charCodeAt(0);
  return text.length === 1 && c >= 0xd800 && c <= 0xdfff ? 2 : countTokens(text);
}

/**
 * A chunker on @langchain/textsplitters: `recursive` (RecursiveCharacterTextSplitter), `markdown`
 * (MarkdownTextSplitter: splits at headings first) or `token` (recursive splitting measured in
 * cl100k tokens). Records the markdown heading path at each chunk's start for the markdown strategy
 * and for `.md`/`.markdown` documents with any strategy.
 */
export function createChunker(config: ChunkerConfig): Chunker {
  const fields = { chunkSize: config.size, chunkOverlap: config.overlap };
  let splitter: TextSplitter;
  if (config.strategy === 'markdown') splitter = new MarkdownTextSplitter(fields);
  else if (config.strategy === 'token')
    splitter = new RecursiveCharacterTextSplitter({ ...fields, lengthFunction: splitTokenLength });
  else splitter = new RecursiveCharacterTextSplitter(fields);
  return {
    config,
    async chunk(doc) {
      if (doc.text.trim() === '') return [];
      // A document that fits in one chunk is that chunk: what the splitter would return, without its
      // cost (a third of a 100k-chunk build of short documents went to splitting nothing).
      const fits = config.strategy !== 'token' && doc.text.length <= config.size;
      const pieces = fits ? [doc.text.trim()] : await splitter.splitText(doc.text);
      // Heading paths where the text is known to be markdown: text extracted from html or pdf (or a
      // jsonl corpus) has `# comment` lines from code that are not headings.
      const markdown = config.strategy === 'markdown' || /\.(md|markdown)$/i.test(doc.id);
      const headingPathAt = headingPathTracker(markdown ? parseMarkdownHeadings(doc.text) : []);
      const chunks: Chunk[] = [];
      let searchFrom = 0;
      let lastEnd = 0;
      for (const piece of pieces) {
        if (piece.trim() === '') continue;
        // Splitters return trimmed substrings in order; overlap means a chunk may start before the
        // previous one ended, so search from just after the previous start.
        let start = doc.text.indexOf(piece, searchFrom);
        if (start < 0) start = Math.min(lastEnd, doc.text.length); // not a verbatim substring: best effort
        const end = Math.min(start + piece.length, doc.text.length);
        const position = chunks.length;
        const chunk: Chunk = {
          id: `${doc.id}#${position}`,
          documentId: doc.id,
          headingPath: headingPathAt(start),
          position,
          startChar: start,
          endChar: end,
          text: piece,
        };
        if (doc.title !== undefined) chunk.title = doc.title;
        chunks.push(chunk);
        searchFrom = start + 1;
        lastEnd = end;
      }
      return chunks;
    },
  };
}
