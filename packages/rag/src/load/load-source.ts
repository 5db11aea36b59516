import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import { InvalidInputError, NotFoundError } from '@ragops/core';
import { UndecodableFileError } from './decode-text.ts';
import { loadJsonlFile } from './load-jsonl.ts';
import { isLoadableFile, readDocumentFile } from './read-document-file.ts';
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
};

export type LoadedSource = {
  /** Absolute path of the source. */
  path: string;
  kind: SourceKind;
  documents: SourceDocument[];
  warnings: LoadWarning[];
};

export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;

/**
 * Loads every document of a source. Skips, with a warning naming the file: symlinks leaving the root,
 * files over `maxFileBytes`, undecodable files, unreadable files, bad jsonl lines, duplicate ids.
 * Throws NotFoundError when the source does not exist, InvalidInputError when it is not a folder or `.jsonl`.
 */
export async function loadSource(options: LoadSourceOptions): Promise<LoadedSource> {
  const path = resolve(options.path);
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
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
    const loaded = await loadJsonlFile({ path, file: options.path, maxLineBytes: maxFileBytes }).catch((error) => {
      if (!(error instanceof UndecodableFileError)) throw error;
      throw new InvalidInputError(`Source "${options.path}" cannot be read: ${error.message}.`, { cause: error });
    });
    return { path, kind: 'jsonl', ...loaded };
  }
  if (!info.isDirectory()) throw new InvalidInputError(`Source "${options.path}" is neither a folder nor a file.`);
  const loader = new FolderLoader(path, maxFileBytes);
  await loader.walk(path, await realpath(path));
  return { path, kind: 'folder', documents: loader.documents, warnings: loader.warnings };
}

class FolderLoader {
  readonly documents: SourceDocument[] = [];
  readonly warnings: LoadWarning[] = [];
  readonly #root: string;
  readonly #maxFileBytes: number;
  readonly #ids = new Set<string>();
  readonly #visitedDirs = new Set<string>();
  #realRoot = '';

  constructor(root: string, maxFileBytes: number) {
    this.#root = root;
    this.#maxFileBytes = maxFileBytes;
  }

  async walk(dir: string, realDir: string): Promise<void> {
    if (this.#realRoot === '') this.#realRoot = realDir;
    if (this.#visitedDirs.has(realDir)) return; // a symlink loop inside the root
    this.#visitedDirs.add(realDir);
    const entries = (await readdir(dir)).sort();
    for (const name of entries) {
      if (name.startsWith('.')) continue; // .git, .DS_Store, editor files
      const full = join(dir, name);
      const rel = relative(this.#root, full).split(sep).join('/');
      try {
        await this.#visit(full, rel);
      } catch (error) {
        this.warnings.push({ file: rel, message: `${rel}: skipped, cannot be read (${(error as Error).message})` });
      }
    }
  }

  async #visit(full: string, rel: string): Promise<void> {
    const link = await lstat(full);
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
        const parsed = await loadJsonlFile({ path: full, file: rel, maxLineBytes: this.#maxFileBytes });
        this.warnings.push(...parsed.warnings);
        for (const doc of parsed.documents) this.#add(doc, rel);
        return;
      }
      const { text, title } = await readDocumentFile(full);
      this.#add(makeSourceDocument({ id: rel, text, title, metadata: { path: rel } }), rel);
    } catch (error) {
      if (!(error instanceof UndecodableFileError)) throw error;
      this.warnings.push({ file: rel, message: `${rel}: skipped, ${error.message}` });
    }
  }

  #add(doc: SourceDocument, file: string): void {
    if (this.#ids.has(doc.id)) {
      this.warnings.push({ file, message: `${file}: duplicate document id "${doc.id}", skipped` });
      return;
    }
    this.#ids.add(doc.id);
    this.documents.push(doc);
  }
}
