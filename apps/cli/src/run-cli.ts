import { Command, CommanderError } from 'commander';
import { type CliContext, type CliIo, runWithCliContext } from './cli-context.ts';
import { COMMAND_GROUPS } from './command-groups.ts';
import { findProjectRoot } from './project-root.ts';

export type { CliIo, CliWriter, SignalSource } from './cli-context.ts';

/**
 * Runs `ragops <argv>` in this process and resolves to its exit code (0 ok, 1 failure, 2 bad usage
 * or input). Everything it reads and writes goes through `io`: no process.exit, no process.exitCode,
 * no process.stdout. The binary is `process.exitCode = await runCli(process.argv.slice(2), process-io)`.
 * @example
 * const out: string[] = [];
 * const code = await runCli(['--json', 'models', 'list'], { env: { RAGOPS_HOME: home }, cwd, stdout: { write: (s) => out.push(s) }, stderr });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const context: CliContext = {
    ...io,
    signals: io.signals ?? process,
    root: findProjectRoot(io.cwd),
    exitCode: 0,
  };
  return runWithCliContext(context, async () => {
    const program = await createProgram(context, argv);
    try {
      await program.parseAsync([...argv], { from: 'user' });
    } catch (error) {
      if (error instanceof CommanderError) {
        const ok = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
        return ok ? 0 : 2;
      }
      // An option's own parser (e.g. `--tag key=value`) rejected its value before any action ran.
      const { reportError } = await import('./output.ts');
      return reportError(error, program.opts<{ json?: boolean }>());
    }
    return context.exitCode;
  });
}

/**
 * The root command with every group listed, but only the group named in argv defined (its module
 * loaded): `ragops --help` loads no command module at all.
 */
async function createProgram(context: CliContext, argv: readonly string[]): Promise<Command> {
  const program = new Command('ragops')
    .description('LLMOps for retrieval-augmented generation: indexes, registry, serving, inference tables')
    .option('--json', 'print a machine-readable result on stdout and nothing else')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', () => stateHelp(context));
  const words = argv.filter((a) => !a.startsWith('-'));
  const wanted = words[0] === 'help' ? words[1] : words[0];
  for (const [name, group] of Object.entries(COMMAND_GROUPS)) {
    const command = program.command(name).description(group.description);
    if (name === wanted) (await group.load())(command);
  }
  // Settings a subcommand copies from its parent only when set before it is added: set them on all.
  const visit = (command: Command) => {
    command.exitOverride().configureOutput({
      writeOut: (s) => context.stdout.write(s),
      writeErr: (s) => context.stderr.write(s),
    });
    for (const sub of command.commands) visit(sub);
  };
  visit(program);
  return program;
}

function stateHelp(context: CliContext): string {
  const where = context.root.dir
    ? `project ${context.root.dir} (its ragops.yaml; state in ${context.root.dir}/.ragops unless RAGOPS_HOME or --home says otherwise)`
    : `no ragops.yaml here or above ${context.root.cwd}: state in ./.ragops unless RAGOPS_HOME or --home says otherwise`;
  return `\n${where}`;
}
