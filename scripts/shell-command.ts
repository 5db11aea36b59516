// Quoting for a POSIX shell (sh, bash, zsh), so a printed command pastes as the argv that ran. The
// `shell-quote` package does this too; these lines are all we need of it.

const SAFE = /^[A-Za-z0-9_./:=@%+,-]+$/;

/** One argument: as is when it has no shell-special characters, else in single quotes ('\'' for a quote). */
export function shellQuote(arg: string): string {
  if (SAFE.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** A command line whose words a POSIX shell splits back into exactly `argv`. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
