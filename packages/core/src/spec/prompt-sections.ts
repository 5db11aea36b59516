import { InvalidInputError } from '../errors/ragops-error.ts';

/** A prompt template's parts: the system instructions (if the template has them) and the user turn. */
export type PromptSections = { system: string | undefined; user: string };

// Prompty's convention: a line holding only `system:` or `user:` starts that role's part.
const ROLE_LINE = /^(system|user):[ \t]*\r?$/;

/**
 * Splits a template body into its `system:` and `user:` parts. A template without role lines is one
 * user part (the format before roles existed, still valid). With role lines: nothing but blank lines
 * before the first, `system:` before `user:`, each at most once, and a `user:` part (it carries the
 * question). InvalidInputError naming `path` otherwise.
 * @example splitPromptSections('system:\nAnswer from the passages.\nuser:\n{{context}}\n{{question}}')
 */
export function splitPromptSections(template: string, path = 'prompt'): PromptSections {
  const lines = template.split('\n');
  const starts = lines.flatMap((line, i) => {
    const role = ROLE_LINE.exec(line)?.[1];
    return role ? [{ role: role as 'system' | 'user', line: i }] : [];
  });
  if (starts.length === 0) return { system: undefined, user: template };
  const problem = (message: string) => new InvalidInputError(`${path}: ${message}`);
  if (lines.slice(0, starts[0]!.line).some((l) => l.trim() !== '')) {
    throw problem('text before the first role line (`system:` or `user:`) belongs to no role');
  }
  const roles = starts.map((s) => s.role);
  if (roles.length > 2 || new Set(roles).size !== roles.length) {
    throw problem('a template has at most one `system:` part and one `user:` part');
  }
  if (roles.at(-1) !== 'user') throw problem('the `user:` part (with the question) comes last, after `system:`');
  const part = (i: number) =>
    lines
      .slice(starts[i]!.line + 1, starts[i + 1]?.line ?? lines.length)
      .join('\n')
      .trim();
  return roles.length === 2 ? { system: part(0), user: part(1) } : { system: undefined, user: part(0) };
}
