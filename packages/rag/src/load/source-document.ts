import { createHash } from 'node:crypto';

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

/** JSON with object keys sorted at every level: equal metadata gives equal hashes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((k) => [k, sortKeys(record[k])]),
    );
  }
  return value;
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
