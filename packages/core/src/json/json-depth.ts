import { z } from 'zod';
import { InvalidInputError } from '../errors/ragops-error.ts';

/**
 * The nesting bound for JSON a caller sends (request bodies, packages, configs). Legitimate bodies
 * nest fewer than 20 levels; V8 overflows its stack between 2,000 (structuredClone) and ~4,500
 * (JSON.stringify) levels, and recursive code of ours far earlier under load. 64 leaves room for
 * every real document and keeps every recursive walk shallow.
 */
export const MAX_JSON_DEPTH = 64;

type PathPart = string | number;

/**
 * Where `value` nests deeper than `maxDepth` (a scalar is depth 0, `{}` or `[]` depth 1), or
 * undefined when it does not. Iterative, so any input — even a cycle — is walked in bounded stack.
 */
export function jsonDepthProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): { path: PathPart[] } | undefined {
  type Frame = { value: unknown; depth: number; key: PathPart | undefined; parent: Frame | undefined };
  const stack: Frame[] = [{ value, depth: 0, key: undefined, parent: undefined }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.value === null || typeof frame.value !== 'object') continue;
    const depth = frame.depth + 1;
    if (depth > maxDepth) {
      const path: PathPart[] = [];
      for (let f: Frame | undefined = frame; f?.key !== undefined; f = f.parent) path.unshift(f.key);
      return { path };
    }
    const entries = Array.isArray(frame.value) ? frame.value.entries() : Object.entries(frame.value);
    for (const [key, child] of entries) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth, key, parent: frame });
    }
  }
  return undefined;
}

/** `a.b[0].c`, shortened to its first parts for a message. */
export function formatJsonPath(path: readonly PathPart[], maxParts = 6): string {
  const shown = path
    .slice(0, maxParts)
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join('');
  return path.length > maxParts ? `${shown}…` : shown;
}

/**
 * Throws InvalidInputError (a 4xx, exit 2) naming `where` and the path when `value` nests deeper
 * than `maxDepth`. Call it where JSON enters, before anything recursive sees it.
 * @example assertJsonDepth(await c.req.json(), { where: 'body' })
 */
export function assertJsonDepth(value: unknown, options: { where: string; maxDepth?: number }): void {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const problem = jsonDepthProblem(value, maxDepth);
  if (!problem) return;
  const at = problem.path.length ? `.${formatJsonPath(problem.path)}` : '';
  throw new InvalidInputError(`${options.where}${at}: nested deeper than ${maxDepth} levels`, {
    details: { where: options.where, path: problem.path.slice(0, 20), maxDepth },
  });
}

/**
 * Any JSON value nested at most `maxDepth` levels: for the open parts of our schemas (LLM params,
 * chunker and embedder extras), so a hostile document is a 400 naming its field, not a stack overflow.
 */
export function boundedJsonSchema(maxDepth = 32) {
  return z.unknown().superRefine((value, ctx) => {
    const problem = jsonDepthProblem(value, maxDepth);
    if (problem) {
      const inner = problem.path.length ? ` (at ${formatJsonPath(problem.path)})` : '';
      ctx.addIssue({ code: 'custom', message: `nested deeper than ${maxDepth} levels${inner}` });
    }
  });
}

/**
 * True when JSON text nests arrays/objects deeper than `maxDepth`. One linear scan that skips string
 * contents, run before JSON.parse so a hostile line never reaches a recursive parser, validator or
 * canonicalizer (`jsonDepthProblem` checks a value already parsed).
 * @example jsonTextDepthExceeds('{"a":[[1]]}', 2) // true (object → array → array is depth 3)
 */
export function jsonTextDepthExceeds(json: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
