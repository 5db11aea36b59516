import { execFile } from 'node:child_process';

let cached: Promise<string | null> | undefined;

/** `git rev-parse HEAD` of the checkout this code runs from, or null (no git, not a checkout). */
export function codeGitCommit(): Promise<string | null> {
  cached ??= new Promise((resolve) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd: import.meta.dirname, timeout: 5000 }, (error, stdout) => {
      resolve(error ? null : stdout.trim() || null);
    });
  });
  return cached;
}
