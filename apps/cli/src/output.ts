import { RagopsError } from '@ragops/core';
import { cliContext } from './cli-context.ts';
import { EXIT_CODE_BY_ERROR } from './exit-codes.ts';

export type OutputOptions = { json?: boolean };

/**
 * Prints a command's result: `--json` writes exactly one JSON document to stdout and nothing else;
 * otherwise `human` renders it for people.
 */
export function printResult<T>(options: OutputOptions, result: T, human: (result: T) => string): void {
  const { stdout } = cliContext();
  if (options.json) stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else stdout.write(`${human(result)}\n`);
}

/** A warning for people: on stderr, so stdout stays the result (and --json stays one document). */
export function printWarning(message: string): void {
  cliContext().stderr.write(`warning: ${message}\n`);
}

/** Writes an error to stderr (as JSON on stdout too in --json mode) and returns the exit code. */
export function reportError(error: unknown, options: OutputOptions): number {
  const { stdout, stderr } = cliContext();
  if (RagopsError.isInstance(error)) {
    if (options.json) {
      stdout.write(
        `${JSON.stringify({ error: { code: error.code, message: error.message, details: error.details } })}\n`,
      );
    }
    stderr.write(`error: ${error.message}\n`);
    return EXIT_CODE_BY_ERROR[error.code];
  }
  if (options.json) stdout.write(`${JSON.stringify({ error: { code: 'internal', message: String(error) } })}\n`);
  stderr.write(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
}
