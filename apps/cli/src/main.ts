// The `ragops` process: wires the real process to runCli and owns what only a process should do.
import { runCli } from './run-cli.ts';

// node:sqlite prints "ExperimentalWarning: SQLite is an experimental feature" on stderr at first use
// (Node 24.9), which users would read as a problem. Drop exactly that warning, nothing else; remove
// this once the pinned Node no longer marks node:sqlite experimental.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
  if (type === 'ExperimentalWarning' && String(warning).includes('SQLite')) return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

// LanceDB's Rust core logs `WARN lance::…` lines to stderr (e.g. about index files it rewrites);
// they are not actionable for a CLI user. LANCEDB_LOG is the env_logger filter its Node binding
// reads when it loads (the LanceDB troubleshooting page; the name is in the .node binary): errors
// only by default, and a user who sets it (LANCEDB_LOG=debug) sees everything.
if (!process.env.LANCEDB_LOG) process.env.LANCEDB_LOG = 'error';

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
});
