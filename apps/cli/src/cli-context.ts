import { AsyncLocalStorage } from 'node:async_hooks';
import type { ProjectRoot } from './project-root.ts';

/** Where a CLI run writes: process.stdout/stderr, or a test's collector. */
export type CliWriter = { write(chunk: string): unknown; readonly isTTY?: boolean };

/** Where Ctrl-C comes from: `process`, or an EventEmitter a test fires. */
export type SignalSource = {
  once(event: 'SIGINT', listener: () => void): unknown;
  off(event: 'SIGINT', listener: () => void): unknown;
};

/** What one `ragops` run reads and writes instead of the process globals. */
export type CliIo = {
  env: Readonly<Record<string, string | undefined>>;
  /** Relative paths in flags, RAGOPS_HOME and the search for ragops.yaml start here. */
  cwd: string;
  stdout: CliWriter;
  stderr: CliWriter;
  /** Default: process. */
  signals?: SignalSource;
};

/** A run in progress: its io, the project root found from `cwd`, and the exit code so far. */
export type CliContext = Required<CliIo> & { root: ProjectRoot; exitCode: number };

const storage = new AsyncLocalStorage<CliContext>();

/**
 * Runs `fn` with `context` as the current run. Commands read their io through `cliContext()`, so
 * concurrent in-process runs (tests) never see each other's env, cwd or output, and no command
 * touches process.stdout, process.env or process.exitCode.
 */
export function runWithCliContext<T>(context: CliContext, fn: () => Promise<T>): Promise<T> {
  return storage.run(context, fn);
}

/** The current run's context; only code reached from `runCli` may call this. */
export function cliContext(): CliContext {
  const context = storage.getStore();
  if (!context) throw new Error('cliContext() called outside runCli()');
  return context;
}
