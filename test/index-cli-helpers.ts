import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const BIN = join(ROOT, 'apps', 'cli', 'bin', 'ragops.js');

export type CliResult = { code: number | null; stdout: string; stderr: string };

/** Starts `ragops <args>` as a child process in the repo root with RAGOPS_HOME set. */
export function startCli(args: readonly string[], home: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(NODE, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, RAGOPS_HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs `ragops <args>` to completion. */
export function runCli(args: readonly string[], home: string, env: Record<string, string> = {}): Promise<CliResult> {
  const child = startCli(args, home, env);
  return collect(child);
}

export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs with --json and parses stdout; fails with stderr when the exit code is not 0. */
export async function runJson<T = Record<string, unknown>>(args: readonly string[], home: string): Promise<T> {
  const r = await runCli(['--json', ...args], home);
  if (r.code !== 0) throw new Error(`ragops ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Resolves once `child`'s stderr has printed a line matching `pattern`. */
export function waitForStderr(child: ChildProcess, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`no ${pattern} on stderr within ${timeoutMs} ms:\n${seen}`)),
      timeoutMs,
    );
    child.stderr?.on('data', (d) => {
      seen += d;
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('close', () => {
      clearTimeout(timer);
      if (!pattern.test(seen)) reject(new Error(`exited before ${pattern}:\n${seen}`));
    });
  });
}

/** A jsonl corpus of `count` documents, each a few paragraphs, with a unique marker word. */
export function corpusLines(count: number, version = 1): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const text = Array.from(
      { length: 4 },
      (_, p) =>
        `Document ${i} paragraph ${p} version ${version} mentions marker${i} and some filler words about topic ${i % 17}.`,
    ).join('\n\n');
    lines.push(JSON.stringify({ id: `doc-${i}`, title: `Doc ${i}`, text }));
  }
  return `${lines.join('\n')}\n`;
}
