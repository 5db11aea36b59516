import { createHash } from 'node:crypto';
import { InvalidInputError } from '@ragops/core';

/** A document read from a source, its text normalized; chunk offsets refer to this text. */
export type SourceDocument = {
  id: string;
  text: string;
  title?: string;
  metadata: Record<string, unknown>;
  /** sha256 hex over normalized text, title and canonical metadata JSON. */
  contentHash: string;
};

/** A file or line the loader skipped, and why. Loaders return these; they never log. */
export type LoadWarning = { file: string; line?: number; message: string };

/** Unicode NFC and LF line endings, so that the same content always hashes the same. */
export function normalizeText(text: string): string {
  return text.normalize('NFC').replace(/\r\n?/g, '\n');
}

/**
 * Deepest nesting of document metadata that ragops accepts. Loaders refuse deeper lines before
 * parsing; canonicalJson refuses them too, so recursion depth stays small whatever the input.
 */
export const MAX_METADATA_DEPTH = 64;

/**
 * JSON with object keys sorted at every level: equal metadata gives equal hashes. Throws
 * InvalidInputError past MAX_METADATA_DEPTH (a 5,000-deep value overflowed the stack here).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value, 0));
}

function sortKeys(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_METADATA_DEPTH) {
    throw new InvalidInputError(`metadata is nested deeper than ${MAX_METADATA_DEPTH} levels`);
  }
  if (Array.isArray(value)) return value.map((v) => sortKeys(v, depth + 1));
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((k) => [k, sortKeys(record[k], depth + 1)]),
  );
}

/** Builds a SourceDocument: normalizes the text and computes its content hash. */
export function makeSourceDocument(input: {
  id: string;
  text: string;
  title?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
}): SourceDocument {
  const text = normalizeText(input.text);
  const title = input.title === undefined ? undefined : normalizeText(input.title);
  const metadata = input.metadata ?? {};
  const hash = createHash('sha256');
  // Length-prefixed fields, so that moving a character between title and text changes the hash.
  for (const part of [text, title ?? '', canonicalJson(metadata)]) hash.update(`${part.length}:${part}`);
  const doc: SourceDocument = { id: input.id, text, metadata, contentHash: hash.digest('hex') };
  if (title !== undefined) doc.title = title;
  return doc;
}
