import type { Stats } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import { InvalidInputError, NotFoundError } from '@ragops/core';
import { UndecodableFileError } from './decode-text.ts';
import { loadJsonlFile } from './load-jsonl.ts';
import { isLoadableFile, readDocumentFile } from './read-document-file.ts';
import {
  RACY_MS,
  type ReusedDocument,
  SOURCE_CACHE_VERSION,
  type SourceCacheInput,
  type SourceCacheRecord,
  statKey,
} from './source-cache.ts';
import { type LoadWarning, makeSourceDocument, type SourceDocument } from './source-document.ts';

export type SourceKind = 'folder' | 'jsonl';

export type LoadSourceOptions = {
  /** A folder (read recursively) or one `.jsonl` file. */
  path: string;
  /**
   * Files larger than this are skipped with a warning before they are read; in `.jsonl` files the
   * limit applies to each line (document) instead, and the file is streamed. Default 10 MiB.
   */
  maxFileBytes?: number;
  /**
   * The last load's `cache` and the content hashes of its documents: jsonl lines whose bytes, and
   * folder files whose size, mtime, ctime and inode, are the same come back in `reused`, unread.
   */
  cache?: SourceCacheInput | undefined;
};

export type LoadedSource = {
  /** Absolute path of the source. */
  path: string;
  kind: SourceKind;
  /** Documents read and parsed. */
  documents: SourceDocument[];
  /** Documents found unchanged through `cache`: id and content hash, not read (empty without a cache). */
  reused: ReusedDocument[];
  warnings: LoadWarning[];
  /** What the next load of this source may skip: pass it back through parseSourceCache, with the hashes, as `cache`. */
  cache: SourceCacheRecord;
};

export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;

/** Folder entries whose lstat runs at once (libuv runs 4 at a time; more only queue). */
const STAT_BATCH = 64;

/**
 * Loads every document of a source; those unchanged since `cache` without reading them (a jsonl
 * source is still read whole, but only to hash each line's bytes). Skips, with a warning naming the
 * file: symlinks leaving the root, files over `maxFileBytes`, undecodable files, unreadable files,
 * bad jsonl lines, duplicate ids. The warnings are the same with or without a cache (a skipped line
 * or file has no cache entry, so it is read again). Throws NotFoundError when the source does not
 * exist, InvalidInputError when it is not a folder or `.jsonl`.
 */
export async function loadSource(options: LoadSourceOptions): Promise<LoadedSource> {
  const path = resolve(options.path);
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const cache = options.cache?.v === SOURCE_CACHE_VERSION ? options.cache : undefined;
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new NotFoundError(`Source "${options.path}" does not exist.`);
    throw new InvalidInputError(`Source "${options.path}" cannot be read: ${error.message}`, { cause: error });
  });
  if (info.isFile()) {
    if (extname(path).toLowerCase() !== '.jsonl') {
      throw new InvalidInputError(
        `Source "${options.path}" is a file but not .jsonl. Pass a folder or a .jsonl file of {"id","text","title"?,"metadata"?} lines.`,
      );
    }
    const out = new Collected(path, cache);
    const loaded = await loadJsonlFile({
      path,
      file: options.path,
      maxLineBytes: maxFileBytes,
      cache,
      onDocument: (document, key) => {
        out.add(document);
        out.lines.push(key, document.id);
      },
    }).catch((error) => {
      if (!(error instanceof UndecodableFileError)) throw error;
      throw new InvalidInputError(`Source "${options.path}" cannot be read: ${error.message}.`, { cause: error });
    });
    return { path, kind: 'jsonl', ...out.result(), warnings: loaded.warnings };
  }
  if (!info.isDirectory()) throw new InvalidInputError(`Source "${options.path}" is neither a folder nor a file.`);
  const loader = new FolderLoader(path, maxFileBytes, new Collected(path, cache), cache);
  await loader.walk(path, await realpath(path));
  return { path, kind: 'folder', ...loader.out.result(), warnings: loader.warnings };
}

/** The documents a load accepts, read or reused, and the cache entries of exactly those. */
class Collected {
  readonly #documents: SourceDocument[] = [];
  readonly #reused: ReusedDocument[] = [];
  /** Entries of the next cache, flat: key, id, key, id, … and path, stat key, … */
  readonly lines: string[] = [];
  readonly files: string[] = [];
  readonly #path: string;
  /** The input cache's file entries, only when they are of this same folder. */
  readonly cachedFiles: ReadonlyMap<string, string> | undefined;
  readonly hashes: Readonly<Record<string, string>>;
  readonly startedAt = Date.now();

  constructor(path: string, cache: SourceCacheInput | undefined) {
    this.#path = path;
    this.cachedFiles = cache?.source === path ? cache.files : undefined;
    this.hashes = cache?.hashes ?? {};
  }

  /**
   * An accepted document. Only those get a cache entry (pushed by the caller): a line or file
   * skipped as a duplicate id has none, since a later load takes the accepted document's hash.
   */
  add(doc: SourceDocument | ReusedDocument): void {
    if ('text' in doc) this.#documents.push(doc);
    else this.#reused.push(doc);
  }

  result(): { documents: SourceDocument[]; reused: ReusedDocument[]; cache: SourceCacheRecord } {
    const cache: SourceCacheRecord = {
      v: SOURCE_CACHE_VERSION,
      source: this.#path,
      lines: this.lines,
      files: this.files,
    };
    return { documents: this.#documents, reused: this.#reused, cache };
  }
}

class FolderLoader {
  readonly warnings: LoadWarning[] = [];
  readonly out: Collected;
  readonly #root: string;
  readonly #maxFileBytes: number;
  readonly #cache: SourceCacheInput | undefined;
  readonly #ids = new Set<string>();
  readonly #visitedDirs = new Set<string>();
  #realRoot = '';

  constructor(root: string, maxFileBytes: number, out: Collected, cache: SourceCacheInput | undefined) {
    this.#root = root;
    this.#maxFileBytes = maxFileBytes;
    this.out = out;
    this.#cache = cache;
  }

  async walk(dir: string, realDir: string): Promise<void> {
    if (this.#realRoot === '') this.#realRoot = realDir;
    if (this.#visitedDirs.has(realDir)) return; // a symlink loop inside the root
    this.#visitedDirs.add(realDir);
    const entries = (await readdir(dir)).filter((name) => !name.startsWith('.')).sort(); // .git, .DS_Store, …
    // The lstat calls of STAT_BATCH entries at once, the entries then visited in order: one at a
    // time, a cached load of 10k unchanged files was mostly waiting on them.
    for (let start = 0; start < entries.length; start += STAT_BATCH) {
      const names = entries.slice(start, start + STAT_BATCH);
      const links = await Promise.all(names.map((name) => lstat(join(dir, name)).catch((error: Error) => error)));
      for (const [i, name] of names.entries()) {
        const full = join(dir, name);
        const rel = relative(this.#root, full).split(sep).join('/');
        try {
          const link = links[i]!;
          if (link instanceof Error) throw link;
          await this.#visit(full, rel, link);
        } catch (error) {
          this.warnings.push({ file: rel, message: `${rel}: skipped, cannot be read (${(error as Error).message})` });
        }
      }
    }
  }

  async #visit(full: string, rel: string, link: Stats): Promise<void> {
    let real = full;
    if (link.isSymbolicLink()) {
      real = await realpath(full);
      if (real !== this.#realRoot && !real.startsWith(this.#realRoot + sep)) {
        this.warnings.push({ file: rel, message: `${rel}: skipped, symlink leads outside the source root` });
        return;
      }
    }
    const info = link.isSymbolicLink() ? await stat(full) : link;
    if (info.isDirectory()) return this.walk(full, await realpath(full));
    if (!info.isFile() || !isLoadableFile(full)) return;
    const isJsonl = extname(full).toLowerCase() === '.jsonl';
    // Decided on the stat, before a byte is read; jsonl files are streamed and limited per line.
    if (!isJsonl && info.size > this.#maxFileBytes) {
      this.warnings.push({
        file: rel,
        message: `${rel}: skipped, ${info.size} bytes is over the ${this.#maxFileBytes}-byte limit`,
      });
      return;
    }
    try {
      if (isJsonl) {
        const accepted: [SourceDocument | ReusedDocument, string][] = [];
        const parsed = await loadJsonlFile({
          path: full,
          file: rel,
          maxLineBytes: this.#maxFileBytes,
          cache: this.#cache,
          onDocument: (document, key) => accepted.push([document, key]),
        });
        // The file's line warnings first, then duplicates of other files' ids, as before the cache.
        this.warnings.push(...parsed.warnings);
        for (const [document, key] of accepted) if (this.#add(document, rel)) this.out.lines.push(key, document.id);
        return;
      }
      const stat = statKey(info);
      const hash = this.out.cachedFiles?.get(rel) === stat ? this.out.hashes[rel] : undefined;
      const doc =
        typeof hash === 'string'
          ? { id: rel, contentHash: hash }
          : makeSourceDocument({ id: rel, ...(await readDocumentFile(full)), metadata: { path: rel } });
      // Not recorded when modified just before the load: it may change again within the same tick.
      if (this.#add(doc, rel) && info.mtimeMs < this.out.startedAt - RACY_MS) this.out.files.push(rel, stat);
    } catch (error) {
      if (!(error instanceof UndecodableFileError)) throw error;
      this.warnings.push({ file: rel, message: `${rel}: skipped, ${error.message}` });
    }
  }

  /** Whether `doc` was accepted (its id is not a duplicate). */
  #add(doc: SourceDocument | ReusedDocument, file: string): boolean {
    if (this.#ids.has(doc.id)) {
      this.warnings.push({ file, message: `${file}: duplicate document id "${doc.id}", skipped` });
      return false;
    }
    this.#ids.add(doc.id);
    this.out.add(doc);
    return true;
  }
}
