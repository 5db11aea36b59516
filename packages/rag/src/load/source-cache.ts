import { hash } from 'node:crypto';
import type { Stats } from 'node:fs';

/**
 * Bump when what a line or file turns into changes (parsing, normalisation, the content hash, a
 * reader): a cache of another version is ignored, so every document is read again once.
 */
export const SOURCE_CACHE_VERSION = 1;

/**
 * What the last load of a source learnt, so that the next one skips the documents whose bytes did
 * not change. At 100k jsonl lines (69 MB) decoding, JSON parsing, zod, NFC normalisation and the
 * content hash cost ~1.3 s of CPU; hashing the raw line bytes costs ~0.09 s (sha256 with SHA-NI).
 */
export type SourceCache = {
  v: typeof SOURCE_CACHE_VERSION;
  /** Absolute source path the `files` entries are relative to. */
  source: string;
  /** Raw-bytes hash of a jsonl line (lineKey) → the id of the document it was. */
  lines: ReadonlyMap<string, string>;
  /** Path relative to the source root of a folder file (not jsonl) → its statKey when it was read. */
  files: ReadonlyMap<string, string>;
};

/**
 * What a load records for the next one, as written to disk: the same entries as flat [key, value,
 * key, value, …] arrays (100k pushes cost ~4 ms, Map sets 12-35 ms and turning them into arrays
 * again 7-24 ms). A flat array parses faster too: 100k entries into a Map in ~65 ms, an object of
 * 100k keys in ~170 ms. parseSourceCache turns it into a SourceCache.
 */
export type SourceCacheRecord = { v: typeof SOURCE_CACHE_VERSION; source: string; lines: string[]; files: string[] };

/** A document whose bytes matched the cache: its id and content hash, without its text. */
export type ReusedDocument = { id: string; contentHash: string };

/**
 * The cache a load reads: the last load's entries plus the content hashes of that load's documents
 * (the build's manifest), from which a matching line or file takes its hash.
 */
export type SourceCacheInput = SourceCache & { hashes: Readonly<Record<string, string>> };

/**
 * Key of a jsonl line's raw bytes: sha256, 132 bits as base64 (a collision among 10^6 lines has
 * odds ~10^-28; the key is 22 characters on disk instead of 64). One-shot `hash` is ~1.5× faster
 * than createHash per 650-byte line.
 */
export function lineKey(bytes: Uint8Array): string {
  return hash('sha256', bytes, 'base64').slice(0, 22);
}

/**
 * What identifies a file's content without reading it, as git's index does: size, mtime, ctime (a
 * write or a utimes back to the old mtime changes it) and inode (a file replaced by rename).
 */
export function statKey(info: Stats): string {
  return `${info.size}:${info.mtimeMs}:${info.ctimeMs}:${info.ino}`;
}

/**
 * A file modified this shortly before the load started may be modified again within the same
 * timestamp tick (2 s on FAT, 1 s on some network file systems) after it was read: such a file is
 * not recorded, so the next load reads it again ("racily clean" in git).
 */
export const RACY_MS = 2000;

/**
 * The cache of a record (parsed JSON, checked here), or undefined when it is not one of this
 * version (a cache is only a shortcut: whatever is wrong with it, the load reads everything).
 */
export function parseSourceCache(json: unknown): SourceCache | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const { v, source, lines, files } = json as Record<string, unknown>;
  if (v !== SOURCE_CACHE_VERSION || typeof source !== 'string') return undefined;
  const lineMap = unflat(lines);
  const fileMap = unflat(files);
  if (!lineMap || !fileMap) return undefined;
  return { v, source, lines: lineMap, files: fileMap };
}

function unflat(value: unknown): Map<string, string> | undefined {
  if (!Array.isArray(value) || value.length % 2 !== 0) return undefined;
  const map = new Map<string, string>();
  for (let i = 0; i < value.length; i += 2) {
    const k = value[i];
    const v = value[i + 1];
    if (typeof k !== 'string' || typeof v !== 'string') return undefined;
    map.set(k, v);
  }
  return map;
}
