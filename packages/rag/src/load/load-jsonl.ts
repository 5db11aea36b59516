import { createReadStream } from 'node:fs';
import { jsonTextDepthExceeds, RagopsError } from '@ragops/core';
import { z } from 'zod';
import { binaryReason, UndecodableFileError } from './decode-text.ts';
import { lineKey, type ReusedDocument, type SourceCacheInput } from './source-cache.ts';
import { type LoadWarning, MAX_METADATA_DEPTH, makeSourceDocument, type SourceDocument } from './source-document.ts';

/** One line of a `.jsonl` source (the format of shared/datasets/<name>/corpus.jsonl). */
export const jsonlDocumentSchema = z.object({
  id: z.string().min(1),
  text: z.string(),
  title: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

/** Bad lines reported one by one per file; the rest are counted in one last warning. */
const MAX_LINE_WARNINGS = 20;

/**
 * Reads a `.jsonl` file line by line (streamed: a 200 MB file is never held whole) into documents.
 * A line over `maxLineBytes` is skipped without being buffered; it and every other bad line (invalid
 * UTF-8 or JSON, nested deeper than MAX_METADATA_DEPTH, failing the schema, binary text, duplicate
 * id) become a warning naming `file:line`, and the lines around it load as usual. A line whose raw
 * bytes have a `cache` entry is not decoded or parsed: it is the document it was then (what a line
 * turns into depends on its bytes only; a BOM is dropped on line 1 and trimmed on any other): 100k
 * lines of 690 bytes, all cached, load in 0.35-0.46 s instead of 1.35-1.5 s (load 3). Throws UndecodableFileError when the file is binary
 * or UTF-16 (checked on its first bytes).
 */
export async function loadJsonlFile(input: {
  path: string;
  /** How warnings name the file. */
  file: string;
  maxLineBytes: number;
  cache?: Pick<SourceCacheInput, 'lines' | 'hashes'> | undefined;
  /** Each accepted line, in order: its document, read or reused, and the key of its bytes (lineKey). */
  onDocument: (document: SourceDocument | ReusedDocument, key: string) => void;
}): Promise<{ warnings: LoadWarning[] }> {
  const { file, maxLineBytes, cache, onDocument } = input;
  const warnings: LoadWarning[] = [];
  let badLines = 0;
  const warn = (line: number, why: string) => {
    if (++badLines <= MAX_LINE_WARNINGS) warnings.push({ file, line, message: `${file}:${line}: ${why}` });
  };
  const seen = new Set<string>();
  for await (const lines of readLines(input.path, maxLineBytes)) {
    for (const line of lines) {
      if (line.oversizedBytes !== undefined) {
        warn(line.number, `skipped, ${line.oversizedBytes} bytes is over the ${maxLineBytes}-byte limit`);
        continue;
      }
      const key = lineKey(line.bytes);
      const cachedId = cache?.lines.get(key);
      const cachedHash = cachedId === undefined ? undefined : cache?.hashes[cachedId];
      // typeof: `hashes` is parsed JSON, where "constructor" would find Object's.
      const result =
        typeof cachedHash === 'string'
          ? { id: cachedId!, contentHash: cachedHash }
          : parseLine(line.bytes, line.number === 1);
      if (result === undefined) continue; // blank
      if (typeof result === 'string') {
        warn(line.number, result);
        continue;
      }
      if (seen.has(result.id)) {
        warn(line.number, `duplicate id "${result.id}", line skipped`);
        continue;
      }
      seen.add(result.id);
      onDocument(result, key);
    }
  }
  if (badLines > MAX_LINE_WARNINGS) {
    warnings.push({ file, message: `${file}: ${badLines - MAX_LINE_WARNINGS} more bad lines skipped` });
  }
  return { warnings };
}

/** A document, undefined for a blank line, or why the line is skipped. */
function parseLine(bytes: Buffer, first: boolean): SourceDocument | string | undefined {
  let raw: string;
  try {
    raw = new TextDecoder('utf-8', { fatal: true, ignoreBOM: !first }).decode(bytes).trim();
  } catch {
    return 'not valid UTF-8';
  }
  if (raw === '') return undefined;
  if (jsonTextDepthExceeds(raw, MAX_METADATA_DEPTH + 1)) return `nested deeper than ${MAX_METADATA_DEPTH} levels`;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`;
  }
  const parsed = jsonlDocumentSchema.safeParse(json);
  if (!parsed.success) {
    return parsed.error.issues.map((s) => `${s.path.join('.') || '(line)'}: ${s.message}`).join('; ');
  }
  const binary = binaryReason(parsed.data.text);
  if (binary) return `text is ${binary}`;
  try {
    return makeSourceDocument(parsed.data);
  } catch (error) {
    if (!RagopsError.isInstance(error)) throw error;
    return error.message;
  }
}

/**
 * Bytes read at a time. 1 MiB, not 64 KiB: a cached load of 69 MB is mostly splitting and hashing,
 * and 16× fewer reads and awaits cut it by ~0.1 s (a line longer than this is joined from pieces).
 */
const READ_CHUNK_BYTES = 1024 * 1024;

type Line = { number: number; bytes: Buffer; oversizedBytes?: undefined } | { number: number; oversizedBytes: number };

/**
 * Lines of a file as bytes, streamed, the lines ending in each read chunk at once (one await per
 * line was ~0.1 s of 100k lines). node:readline would buffer an over-long line whole; here the
 * bytes of a line past `maxBytes` are counted and dropped.
 */
async function* readLines(path: string, maxBytes: number): AsyncGenerator<Line[]> {
  let parts: Buffer[] = [];
  let bytes = 0;
  let number = 1;
  let first = true;
  const end = (): Line => {
    // A line within one read chunk is a view of it (no copy: a stream never reuses a chunk it gave).
    const line: Line =
      bytes > maxBytes
        ? { number, oversizedBytes: bytes }
        : { number, bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts, bytes) };
    parts = [];
    bytes = 0;
    number++;
    return line;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    if (first) {
      first = false;
      checkNotBinary(chunk);
    }
    let start = 0;
    const lines: Line[] = [];
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
      take(chunk.subarray(start, nl));
      lines.push(end());
      start = nl + 1;
    }
    take(chunk.subarray(start));
    yield lines;
  }
  if (bytes > 0) yield [end()];

  function take(piece: Buffer): void {
    if (bytes + piece.length <= maxBytes) parts.push(piece);
    else parts = [];
    bytes += piece.length;
  }
}

function checkNotBinary(head: Buffer): void {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new UndecodableFileError('UTF-16; JSON Lines must be UTF-8');
  }
  if (head.indexOf(0) >= 0) throw new UndecodableFileError('binary content (NUL bytes)');
}
