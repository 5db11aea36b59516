import { z } from 'zod';
import { RETRIEVAL_DEFAULTS } from '../search/retrieval-defaults.ts';

/** A piece of a document that is embedded and indexed on its own. */
export type Chunk = {
  /** `<documentId>#<position>`: stable while the document is unchanged. */
  id: string;
  documentId: string;
  title?: string;
  /** Markdown headings in effect where the chunk starts, outermost first; empty when none. */
  headingPath: string[];
  /** 0-based ordinal of the chunk in its document. */
  position: number;
  /** Character offsets in the (normalized) document text: text === doc.text.slice(startChar, endChar). */
  startChar: number;
  endChar: number;
  text: string;
};

export const CHUNK_STRATEGIES = ['recursive', 'markdown', 'token'] as const;
export type ChunkStrategy = (typeof CHUNK_STRATEGIES)[number];

/**
 * How to chunk. `size` and `overlap` count characters for `recursive` and `markdown`, and cl100k
 * tokens for `token`. Unset values come from RETRIEVAL_DEFAULTS.chunk (tokens: chars / 4).
 */
export const chunkerConfigSchema = z
  .object({
    strategy: z.enum(CHUNK_STRATEGIES).optional(),
    size: z.number().int().positive().optional(),
    overlap: z.number().int().min(0).optional(),
  })
  .strict();
export type ChunkerConfigInput = z.input<typeof chunkerConfigSchema>;
export type ChunkerConfig = { strategy: ChunkStrategy; size: number; overlap: number };

/** Fills defaults from RETRIEVAL_DEFAULTS.chunk; throws InvalidInputError-worthy Error text via zod. */
export function resolveChunkerConfig(input: ChunkerConfigInput = {}): ChunkerConfig {
  const d = RETRIEVAL_DEFAULTS.chunk;
  const strategy = input.strategy ?? d.strategy;
  const perToken = strategy === 'token' ? 4 : 1;
  const size = input.size ?? Math.round(d.sizeChars / perToken);
  const overlap = Math.min(input.overlap ?? Math.round(d.overlapChars / perToken), Math.floor(size / 2));
  return { strategy, size, overlap };
}
