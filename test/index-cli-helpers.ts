import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli as runCliInProcess, type SignalSource } from '@ragops/cli';

export const ROOT = join(import.meta.dirname, '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const BIN = join(ROOT, 'apps', 'cli', 'bin', 'ragops.js');

export type CliResult = { code: number | null; stdout: string; stderr: string };
export type CliOptions = { cwd?: string; signals?: SignalSource };

/**
 * Runs `ragops <args>` in this process (the CLI's own `runCli`, the same code the binary runs) with
 * RAGOPS_HOME set: milliseconds instead of a process start, which on a loaded 2-core machine was
 * 1–5 s per call. Output is collected from injected writers; Ctrl-C comes from `signals` (never the
 * test process's own).
 */
export async function runCli(
  args: readonly string[],
  home: string,
  env: Record<string, string> = {},
  options: CliOptions = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCliInProcess(args, {
    env: { ...process.env, RAGOPS_HOME: home, ...env },
    cwd: options.cwd ?? ROOT,
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    signals: options.signals ?? new EventEmitter(),
  });
  return { code, stdout, stderr };
}

/** Runs with --json in this process and parses stdout; fails with stderr when the exit code is not 0. */
export async function runJson<T = Record<string, unknown>>(
  args: readonly string[],
  home: string,
  env: Record<string, string> = {},
): Promise<T> {
  const r = await runCli(['--json', ...args], home, env);
  if (r.code !== 0) throw new Error(`ragops ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/**
 * Starts the real binary as a child process in the repo root with RAGOPS_HOME set: for what only a
 * process shows (exit codes of the binary, signals, a lock held by another process). Keep these few.
 */
export function startCli(args: readonly string[], home: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(NODE, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, RAGOPS_HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the real binary to completion (see startCli). */
export function runCliProcess(
  args: readonly string[],
  home: string,
  env: Record<string, string> = {},
): Promise<CliResult> {
  return collect(startCli(args, home, env));
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

/**
 * Removes a test's temp folder once its child processes are gone: rm retries while a process that
 * just exited (or LanceDB's native threads) still closes files in it (ENOTEMPTY, EBUSY).
 */
export async function removeTempDir(dir: string, children: readonly ChildProcess[] = []): Promise<void> {
  await Promise.all(
    children
      .filter((c) => c.exitCode === null && c.signalCode === null)
      .map((c) => new Promise((resolve) => c.once('close', resolve))),
  );
  await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
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
