import type { TextSplitter } from '@langchain/textsplitters';
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
  let splitter: Promise<TextSplitter> | undefined;
  const getSplitter = () => {
    splitter ??= createSplitter(config);
    return splitter;
  };
  return {
    config,
    async chunk(doc) {
      if (doc.text.trim() === '') return [];
      // A document that fits in one chunk is that chunk: what the splitter would return, without its
      // cost (a third of a 100k-chunk build of short documents went to splitting nothing).
      const fits = config.strategy !== 'token' && doc.text.length <= config.size;
      const pieces = fits ? [doc.text.trim()] : await (await getSplitter()).splitText(doc.text);
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

/**
 * The splitter, imported on first use: @langchain/textsplitters pulls in @langchain/core and
 * langsmith (251 modules), which every command importing @ragops/rag loaded for nothing: an eval
 * run or a query never chunks. With the LLM transport also lazy (llm/openai/chat-transport.ts), `ragops eval run`
 * loads 628 modules instead of 1 146, and starts + scores one row in ~0.45 s instead of ~0.64 s.
 */
async function createSplitter(config: ChunkerConfig): Promise<TextSplitter> {
  const { MarkdownTextSplitter, RecursiveCharacterTextSplitter } = await import('@langchain/textsplitters');
  const fields = { chunkSize: config.size, chunkOverlap: config.overlap };
  if (config.strategy === 'markdown') return new MarkdownTextSplitter(fields);
  if (config.strategy === 'token')
    return new RecursiveCharacterTextSplitter({ ...fields, lengthFunction: splitTokenLength });
  return new RecursiveCharacterTextSplitter(fields);
}
