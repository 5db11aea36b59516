import { RagopsError } from '@ragops/core';
import { Command, CommanderError } from 'commander';
import { reportError } from './output.ts';

/** Options every command accepts. */
export type GlobalOptions = { json?: boolean };

/**
 * Runs an action and turns its outcome into an exit code: 0 ok, 1 failure, 2 bad usage or input.
 * Actions throw; they never call process.exit themselves.
 */
export function action<A extends unknown[]>(run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const command = args[args.length - 1] as Command;
    try {
      await run(...args);
    } catch (error) {
      process.exitCode = reportError(error, command.optsWithGlobals<GlobalOptions>());
    }
  };
}

/** The root `ragops` command; subcommand groups register themselves on it. */
export function createProgram(): Command {
  const program = new Command('ragops')
    .description('LLMOps for retrieval-augmented generation: indexes, registry, serving, inference tables')
    .option('--json', 'print a machine-readable result on stdout and nothing else')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  return program;
}

/** Parses argv; usage errors exit 2, --help and --version exit 0. */
export async function runProgram(program: Command, argv: string[]): Promise<void> {
  // Subcommands inherit exitOverride only if set before they are added; set it on all of them.
  const visit = (command: Command) => {
    command.exitOverride();
    for (const sub of command.commands) visit(sub);
  };
  visit(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      const ok =
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help';
      process.exitCode = ok ? 0 : 2;
      return;
    }
    // An option's own parser (e.g. `--tag key=value`) rejected its value before any action ran.
    if (RagopsError.isInstance(error)) {
      process.exitCode = reportError(error, program.opts<GlobalOptions>());
      return;
    }
    throw error;
  }
}
