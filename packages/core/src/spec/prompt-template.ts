import { readFile } from 'node:fs/promises';
import Mustache from 'mustache';
import { z } from 'zod';
import { parseInput } from '../errors/parse-input.ts';
import { InvalidInputError, NotFoundError } from '../errors/ragops-error.ts';
import { sha256Hex } from '../registry/registry-rules.ts';
import { loadYaml } from './lazy-yaml.ts';
import { splitPromptSections } from './prompt-sections.ts';

/** The YAML front matter of a prompt file. */
export const promptFrontMatterSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'prompt names are lower-case: a letter, then a-z, 0-9, _ or -'),
  description: z.string().default(''),
  variables: z.array(z.string().regex(/^[a-z_][a-z0-9_]*$/i, 'variable names are identifiers')).default([]),
});

/**
 * A prompt template file (`prompts/*.md`): front matter + a mustache body, optionally in a `system:`
 * and a `user:` part (see splitPromptSections).
 */
export type PromptTemplate = {
  name: string;
  description: string;
  variables: string[];
  /** The body after the front matter. */
  template: string;
  /** Path as given (repo-relative when loaded from the repo root). */
  path: string;
  /** sha256 hex of the whole file's content, front matter included. */
  sha256: string;
};

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;

/** Top-level variable names a mustache template uses (names inside sections belong to the items). */
export function templateVariables(template: string): string[] {
  const names = new Set<string>();
  // Tokens: [type, value, start, end, children?]; 'name' / '&' / '{' are lookups, '#' / '^' sections.
  const visit = (tokens: unknown[][], depth: number) => {
    for (const token of tokens) {
      const [type, value] = token as [string, string];
      if (['name', '&', '{', '#', '^'].includes(type) && depth === 0 && value !== '.')
        names.add(value.split('.')[0] ?? value);
      if ((type === '#' || type === '^') && Array.isArray(token[4])) visit(token[4] as unknown[][], depth + 1);
    }
  };
  visit(Mustache.parse(template) as unknown as unknown[][], 0);
  return [...names].sort();
}

/**
 * Parses a prompt file. InvalidInputError (naming `path`) on missing or invalid front matter, on a
 * mustache syntax error, and when the template's variables and the declared ones differ either way.
 */
export function parsePromptTemplate(text: string, path: string): PromptTemplate {
  const match = FRONT_MATTER.exec(text);
  if (!match)
    throw new InvalidInputError(
      `${path}: a prompt file starts with YAML front matter between --- lines (name, description, variables)`,
    );
  let meta: unknown;
  try {
    meta = loadYaml().parse(match[1] ?? '');
  } catch (error) {
    throw new InvalidInputError(`${path}: front matter is not valid YAML: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const front = parseInput(promptFrontMatterSchema, meta ?? {}, `${path}:front-matter`);
  const template = match[2] ?? '';
  let used: string[];
  try {
    used = templateVariables(template);
  } catch (error) {
    throw new InvalidInputError(`${path}: template syntax: ${(error as Error).message}`, { cause: error });
  }
  const undeclared = used.filter((v) => !front.variables.includes(v));
  const unused = front.variables.filter((v) => !used.includes(v));
  const problems = [
    ...(undeclared.length ? [`used but not declared in variables: ${undeclared.join(', ')}`] : []),
    ...(unused.length ? [`declared but not used: ${unused.join(', ')}`] : []),
  ];
  if (problems.length) throw new InvalidInputError(`${path}: ${problems.join('; ')}`);
  splitPromptSections(template, path); // refuses misplaced `system:` / `user:` role lines
  return { ...front, template, path, sha256: sha256Hex(text) };
}

/** Reads and parses a prompt file (NotFoundError when absent). */
export async function loadPromptTemplate(file: string, displayPath: string = file): Promise<PromptTemplate> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new NotFoundError(`prompt file ${displayPath} not found`, { cause: error });
    throw error;
  });
  return parsePromptTemplate(text, displayPath);
}

/**
 * Renders a template with mustache (no HTML escaping: prompts are not HTML). Refuses, with
 * InvalidInputError, when a declared variable is missing; extra values are allowed.
 */
export function renderPrompt(
  prompt: Pick<PromptTemplate, 'template' | 'variables' | 'path'>,
  values: Record<string, unknown>,
): string {
  const missing = prompt.variables.filter((v) => values[v] === undefined || values[v] === null);
  if (missing.length) throw new InvalidInputError(`${prompt.path}: missing prompt variables: ${missing.join(', ')}`);
  return Mustache.render(prompt.template, values, {}, { escape: (value: unknown) => String(value) });
}
