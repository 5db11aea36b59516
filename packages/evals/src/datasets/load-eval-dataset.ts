import { open, readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import {
  contentHash,
  formatZodError,
  InvalidInputError,
  jsonTextDepthExceeds,
  NotFoundError,
  RagopsError,
} from '@ragops/core';
import { type EvalRow, evalRowSchema } from './eval-row.ts';

/** A dataset as a run uses it: its rows, and its version (the content hash of the canonical rows). */
export type EvalDataset = { name: string; path: string; contentHash: string; rows: EvalRow[] };

// An attacker may hand us a dataset: bound the file, each line, the rows and the nesting before
// any of it is parsed. A row needs depth 3 (row → messages → message); 8 leaves room, not abuse.
export const DATASET_LIMITS = {
  maxFileBytes: 32 * 1024 * 1024,
  maxLineBytes: 256 * 1024,
  maxRows: 50_000,
  maxDepth: 8,
};
// Report this many bad lines at once: enough to fix a file in one go, bounded for a hostile one.
const MAX_REPORTED_PROBLEMS = 20;

const DATASET_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/**
 * Parses dataset text. Throws InvalidInputError listing each bad line as `file:line: key: message`
 * (not JSON, too deep, too long, schema errors, duplicate ids), at most 20, with `details.problems`
 * ({ line, message }). Blank lines are skipped; nothing is returned unless every line is good.
 */
export function parseEvalDataset(text: string, file: string): { rows: EvalRow[]; contentHash: string } {
  const rows: EvalRow[] = [];
  const problems: { line: number; message: string }[] = [];
  const firstLineOf = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (let i = 0; i < lines.length && problems.length < MAX_REPORTED_PROBLEMS; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    const line = i + 1;
    const problem = (message: string) => problems.push({ line, message: `${file}:${line}: ${message}` });
    if (Buffer.byteLength(raw) > DATASET_LIMITS.maxLineBytes) {
      problem(`line is over ${DATASET_LIMITS.maxLineBytes} bytes`);
      continue;
    }
    if (jsonTextDepthExceeds(raw, DATASET_LIMITS.maxDepth)) {
      problem(`nested deeper than ${DATASET_LIMITS.maxDepth} levels`);
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      problem(`not valid JSON (${(error as Error).message})`);
      continue;
    }
    const parsed = evalRowSchema.safeParse(json);
    if (!parsed.success) {
      // formatZodError names the key path after `where`: ".id: …", "[0]…", or ": …" for the row itself.
      for (const message of formatZodError(parsed.error, '(row)').split('\n')) {
        problem(message.replace(/^\(row\)\./, '').replace(/^\(row\)(?=\[)/, ''));
      }
      continue;
    }
    const first = firstLineOf.get(parsed.data.id);
    if (first !== undefined) {
      problem(`id: duplicate id "${parsed.data.id}" (first on line ${first})`);
      continue;
    }
    firstLineOf.set(parsed.data.id, line);
    rows.push(parsed.data);
    if (rows.length > DATASET_LIMITS.maxRows) {
      problem(`more than ${DATASET_LIMITS.maxRows} rows`);
      break;
    }
  }
  if (problems.length > 0) {
    const more = problems.length >= MAX_REPORTED_PROBLEMS ? `\n(stopped after ${MAX_REPORTED_PROBLEMS} problems)` : '';
    throw new InvalidInputError(problems.map((p) => p.message).join('\n') + more, { details: { file, problems } });
  }
  if (rows.length === 0) throw new InvalidInputError(`${file}: the dataset has no rows`, { details: { file } });
  return { rows, contentHash: contentHash(rows) };
}

/** Reads at most `limit` bytes of a regular file; InvalidInputError when it is larger or not a file. */
async function readBounded(path: string, limit: number): Promise<Buffer> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new NotFoundError(`dataset ${path} not found`, { cause: error });
    throw new InvalidInputError(`dataset ${path} cannot be read: ${error.message}`, { cause: error });
  });
  try {
    const info = await handle.stat();
    // A FIFO or device would block or never end; only regular files are datasets.
    if (!info.isFile()) throw new InvalidInputError(`dataset ${path} is not a regular file`);
    if (info.size > limit)
      throw new InvalidInputError(`dataset ${path} is ${info.size} bytes, over the ${limit}-byte limit`);
    // Read one byte past the limit so a file that grew after stat is still refused.
    const buffer = Buffer.alloc(Math.min(info.size, limit) + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > limit) throw new InvalidInputError(`dataset ${path} is over the ${limit}-byte limit`);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Loads `evals/<name>.jsonl` (any path ending in .jsonl). NotFoundError when absent; InvalidInputError
 * naming `file:line` for bad lines, and for files that are too large, not regular files or not UTF-8.
 * @example const ds = await loadEvalDataset('evals/docs-qa.jsonl'); // { name: 'docs-qa', contentHash, rows }
 */
export async function loadEvalDataset(path: string): Promise<EvalDataset> {
  if (extname(path) !== '.jsonl') throw new InvalidInputError(`dataset ${path}: datasets are .jsonl files`);
  const bytes = await readBounded(path, DATASET_LIMITS.maxFileBytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new InvalidInputError(`dataset ${path} is not valid UTF-8`, { cause: error });
  }
  return { name: basename(path, '.jsonl'), path, ...parseEvalDataset(text, path) };
}

/**
 * The path of dataset `name` in `dir`. InvalidInputError for a name that is not a plain dataset
 * name (so `../secrets` from a request can never leave the folder).
 */
export function evalDatasetPath(dir: string, name: string): string {
  if (!DATASET_NAME.test(name)) {
    throw new InvalidInputError(
      `dataset name "${name}" is not valid: lower-case letters, digits, "_" or "-" (the file evals/<name>.jsonl)`,
    );
  }
  return join(dir, `${name}.jsonl`);
}

/** One dataset of a folder: its version and size, or why it does not load. */
export type EvalDatasetSummary =
  | { name: string; path: string; ok: true; contentHash: string; rows: number; tags: string[] }
  | { name: string; path: string; ok: false; error: string };

/**
 * Every `<name>.jsonl` in `dir`, sorted by name; a file that does not load is listed with its error
 * rather than hiding the others. A missing folder lists nothing.
 */
export async function listEvalDatasets(dir: string): Promise<EvalDatasetSummary[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw new InvalidInputError(`datasets folder ${dir} cannot be read: ${error.message}`, { cause: error });
  });
  const out: EvalDatasetSummary[] = [];
  for (const file of names.filter((n) => n.endsWith('.jsonl')).sort()) {
    const name = basename(file, '.jsonl');
    const path = join(dir, file);
    if (!(await stat(path)).isFile()) continue;
    if (!DATASET_NAME.test(name)) {
      out.push({
        name,
        path,
        ok: false,
        error: `${file}: not a valid dataset name (lower-case letters, digits, "_" or "-")`,
      });
      continue;
    }
    try {
      const ds = await loadEvalDataset(path);
      const tags = [...new Set(ds.rows.flatMap((r) => r.tags ?? []))].sort();
      out.push({ name, path, ok: true, contentHash: ds.contentHash, rows: ds.rows.length, tags });
    } catch (error) {
      if (!RagopsError.isInstance(error)) throw error;
      out.push({ name, path, ok: false, error: error.message });
    }
  }
  return out;
}
