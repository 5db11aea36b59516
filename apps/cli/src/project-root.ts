import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const SPEC_FILE = 'ragops.yaml';

/** The project a run belongs to: the nearest folder at or above cwd holding ragops.yaml, if any. */
export type ProjectRoot = { dir: string | undefined; cwd: string };

/**
 * Walks up from `cwd` to the first folder with a ragops.yaml, as git walks up to `.git`: a command
 * run in a subfolder uses the project's spec and state instead of starting an empty `./.ragops`.
 */
export function findProjectRoot(cwd: string): ProjectRoot {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, SPEC_FILE))) return { dir, cwd: resolve(cwd) };
    if (dirname(dir) === dir) return { dir: undefined, cwd: resolve(cwd) };
  }
}

/** Where state lives and why: `--home`, else RAGOPS_HOME (from cwd), else `<root>/.ragops`, else `./.ragops`. */
export function stateHome(
  root: ProjectRoot,
  env: Readonly<Record<string, string | undefined>>,
  flag: string | undefined,
): { home: string; from: 'flag' | 'env' | 'root' | 'cwd' } {
  if (flag) return { home: resolve(root.cwd, flag), from: 'flag' };
  if (env.RAGOPS_HOME) return { home: resolve(root.cwd, env.RAGOPS_HOME), from: 'env' };
  if (root.dir) return { home: join(root.dir, '.ragops'), from: 'root' };
  return { home: join(root.cwd, '.ragops'), from: 'cwd' };
}

/** `--spec` as given (from cwd), else the project's ragops.yaml, else `./ragops.yaml`. */
export function specPath(root: ProjectRoot, flag: string | undefined): string {
  if (flag) return resolve(root.cwd, flag);
  return join(root.dir ?? root.cwd, SPEC_FILE);
}

/**
 * The one line saying which state a run uses, or undefined when it is the obvious one (an explicit
 * --home or RAGOPS_HOME, or the root itself is the working directory): no noise on every command.
 */
export function stateNotice(root: ProjectRoot, home: { home: string; from: string }): string | undefined {
  if (home.from !== 'root' || !root.dir || root.dir === root.cwd) return undefined;
  return `ragops: project ${root.dir} (found ${SPEC_FILE} ${relative(root.cwd, root.dir) || '.'}), state in ${home.home}`;
}
