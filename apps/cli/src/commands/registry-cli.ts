import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import {
  authenticate,
  defaultMetadataUrl,
  InvalidInputError,
  LOCAL_ADMIN_PRINCIPAL,
  type MetadataStore,
  type MigrationSet,
  openMetadataStore,
  type Principal,
  readPrincipal,
  type ServiceContext,
} from '@ragops/core';
import type { Command } from 'commander';
import type { z } from 'zod';
import { cliContext } from '../cli-context.ts';
import type { GlobalOptions } from '../program.ts';
import { specPath, stateHome, stateNotice } from '../project-root.ts';

/** What a registry command runs with: the service context plus where state lives. */
export type RegistryCli = ServiceContext & { home: string; json: boolean };

/** `--home` for commands that touch the metadata store. */
export function addHomeOption(command: Command): Command {
  return command.option('--home <dir>', 'state folder (default: $RAGOPS_HOME, else .ragops in the project root)');
}

/**
 * `--home`, else RAGOPS_HOME, else `.ragops` beside the nearest ragops.yaml at or above the working
 * directory, else ./.ragops; absolute. Run from a project's subfolder, says once on stderr which.
 */
export function resolveHome(flags: { home?: string | undefined }): string {
  const context = cliContext();
  const home = stateHome(context.root, context.env, flags.home);
  const notice = stateNotice(context.root, home);
  if (notice && !noticed.has(context)) {
    noticed.add(context);
    context.stderr.write(`${notice}\n`);
  }
  return home.home;
}
const noticed = new WeakSet<object>();

/** A path flag (or a default) as an absolute path, relative paths from the run's working directory. */
export function resolvePath(path: string): string {
  return resolve(cliContext().cwd, path);
}

/** `--spec` from the working directory, else the project's ragops.yaml (found walking up), else ./ragops.yaml. */
export function resolveSpec(flag: string | undefined): string {
  return specPath(cliContext().root, flag);
}

/**
 * Opens the store (RAGOPS_METADATA_URL, else sqlite:<home>/ragops.db), resolves the actor (the
 * principal of RAGOPS_TOKEN when set, else the local admin), runs `fn`, closes the store.
 * The CLI is the only place that reads the environment.
 */
export async function withRegistry<T>(
  command: Command,
  fn: (cli: RegistryCli) => Promise<T>,
  // Modules outside core contribute their own tables (evals: `allMigrationSets()` from @ragops/evals).
  options: { migrationSets?: readonly MigrationSet[] } = {},
): Promise<T> {
  const opts = command.optsWithGlobals<GlobalOptions & { home?: string }>();
  const { env } = cliContext();
  const home = resolveHome(opts);
  const url = env.RAGOPS_METADATA_URL || defaultMetadataUrl(home);
  const store: MetadataStore = await openMetadataStore(url, options);
  try {
    const token = env.RAGOPS_TOKEN;
    const actor: Principal = token
      ? await authenticate(store, token)
      : await readPrincipal(store, LOCAL_ADMIN_PRINCIPAL);
    return await fn({ store, actor, requestId: `cli-${randomUUID()}`, home, json: opts.json === true });
  } finally {
    await store.close();
  }
}

/** Parses a command's flags with zod: InvalidInputError naming each bad flag as typed (`--chunk-size`) → exit 2. */
export function parseFlags<S extends z.ZodType>(schema: S, flags: unknown): z.output<S> {
  const result = schema.safeParse(flags);
  if (result.success) return result.data;
  const message = result.error.issues
    .map(({ path: [flag, ...rest], message }) => {
      const name = flag === undefined ? 'flags' : `--${String(flag).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      const tail = rest.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
      return `${name}${tail}: ${message}`;
    })
    .join('\n');
  throw new InvalidInputError(message, { details: { where: 'flags', issues: result.error.issues } });
}

/** `--tag key=value` (repeatable) → tags. */
export function collectTag(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidInputError(`--tag "${value}": use key=value`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/** Aligned columns for human output. */
export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  if (rows.length === 0) return '(none)';
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (c ?? '').padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `1h`, `30m`, `7d`, `2w`, `45s` → milliseconds; undefined when not a duration. */
export function parseDurationMs(value: string): number | undefined {
  const m = /^(\d+)(s|m|h|d|w)$/.exec(value.trim());
  if (!m) return undefined;
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  return Number(m[1]) * unit;
}

/** `--since 1h` or an ISO time → ISO time. */
export function parseSince(value: string, flag: string): string {
  const ms = parseDurationMs(value);
  if (ms !== undefined) return new Date(Date.now() - ms).toISOString();
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new InvalidInputError(`${flag} "${value}": use a duration (30m, 1h, 7d) or an ISO time`);
  return new Date(t).toISOString();
}
