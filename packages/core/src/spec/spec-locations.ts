import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import { InvalidInputError } from '../errors/ragops-error.ts';
import { loadYaml } from './lazy-yaml.ts';

/** A key path inside ragops.yaml, as zod reports it: `['chains', 'docs_qa', 'llm', 'provider']`. */
export type SpecPath = readonly PropertyKey[];

/** `chains.docs_qa.retriever.k`, `served[0].model`. */
export function formatSpecPath(path: SpecPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/**
 * A parsed YAML file that can say on which line a key path is written, so that errors read
 * `ragops.yaml:14: chains.qa.retriever.k: Too small` (the editor's file:line form), not a file name
 * glued to a key path.
 */
export class SpecLocations {
  readonly file: string;
  readonly #doc: Document.Parsed;
  readonly #lines: LineCounter;

  private constructor(file: string, doc: Document.Parsed, lines: LineCounter) {
    this.file = file;
    this.#doc = doc;
    this.#lines = lines;
  }

  /** Parses `text`; YAML syntax errors throw InvalidInputError lines `file:line:col: message`. */
  static parse(text: string, file: string): { locations: SpecLocations; value: unknown } {
    const { LineCounter, parseDocument } = loadYaml();
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
    if (doc.errors.length > 0) {
      const messages = doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        // The message proper: yaml appends " at line L, column C:" and a source excerpt.
        const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
        return `${file}:${pos?.line ?? '?'}:${pos?.col ?? '?'}: ${message}`;
      });
      throw new InvalidInputError(messages.join('\n'), { details: { where: file } });
    }
    return { locations: new SpecLocations(file, doc, lines), value: doc.toJS() };
  }

  /** The line where `path` (or its nearest written ancestor) is, 1-based; undefined for an empty file. */
  lineOf(path: SpecPath): number | undefined {
    for (let n = path.length; n >= 0; n--) {
      const offset = this.#offsetOf(path.slice(0, n));
      if (offset !== undefined) return this.#lines.linePos(offset).line;
    }
    return undefined;
  }

  /** `file:line: key.path` (or `file: key.path` when the line is unknown). */
  where(path: SpecPath): string {
    const line = this.lineOf(path);
    const at = line === undefined ? this.file : `${this.file}:${line}`;
    return path.length === 0 ? at : `${at}: ${formatSpecPath(path)}`;
  }

  /** An InvalidInputError `file:line: key.path: message`. */
  error(path: SpecPath, message: string): InvalidInputError {
    return new InvalidInputError(`${this.where(path)}: ${message}`, {
      details: { where: this.file, path: path.map(String) },
    });
  }

  /**
   * Parses `value`, the file's content at `path` (or a default standing in for it), with `schema`;
   * InvalidInputError with one `file:line: key.path: message` line per issue.
   */
  parse<S extends z.ZodType>(schema: S, value: unknown, path: SpecPath): z.output<S> {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const lines = result.error.issues.map((issue) => {
      const at = [...path, ...issue.path];
      // An unknown key is best pointed at where it is written.
      const locate = issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? [...at, issue.keys[0]] : at;
      const line = this.lineOf(locate);
      const where = line === undefined ? this.file : `${this.file}:${line}`;
      return at.length === 0 ? `${where}: ${issue.message}` : `${where}: ${formatSpecPath(at)}: ${issue.message}`;
    });
    throw new InvalidInputError(lines.join('\n'), {
      details: { where: this.file, issues: result.error.issues },
    });
  }

  /** Offset of the key (for a map entry) or node (for a sequence item) at `path`. */
  #offsetOf(path: SpecPath): number | undefined {
    const { isMap, isPair, isScalar } = loadYaml();
    if (path.length === 0) return this.#doc.contents?.range?.[0];
    const parent = path.length === 1 ? this.#doc.contents : this.#doc.getIn(path.slice(0, -1), true);
    const last = path[path.length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(last));
      return isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
    }
    const node = this.#doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return node?.range?.[0];
  }
}
