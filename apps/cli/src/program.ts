import type { Command } from 'commander';
import { cliContext } from './cli-context.ts';
import { reportError } from './output.ts';

/** Options every command accepts. */
export type GlobalOptions = { json?: boolean };

/**
 * Runs an action and turns its outcome into the run's exit code: 0 ok, 1 failure, 2 bad usage or
 * input. Actions throw; they never call process.exit or set process.exitCode themselves.
 */
export function action<A extends unknown[]>(run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const command = args[args.length - 1] as Command;
    try {
      await run(...args);
    } catch (error) {
      cliContext().exitCode = reportError(error, command.optsWithGlobals<GlobalOptions>());
    }
  };
}
