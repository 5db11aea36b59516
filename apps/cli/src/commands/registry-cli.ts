import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import {
  authenticate,
  defaultMetadataUrl,
  InvalidInputError,
  LOCAL_ADMIN_PRINCIPAL,
  type MetadataStore,
  openMetadataStore,
  type Principal,
  readPrincipal,
  type ServiceContext,
} from '@ragops/core';
import type { Command } from 'commander';
import type { z } from 'zod';
import type { GlobalOptions } from '../program.ts';

// node:sqlite prints "ExperimentalWarning: SQLite is an experimental feature" on stderr at first use
// (Node 24.9), which users would read as a problem. Drop exactly that warning, nothing else; remove
// this once the pinned Node no longer marks node:sqlite experimental.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
  if (type === 'ExperimentalWarning' && String(warning).includes('SQLite')) return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

/** What a registry command runs with: the service context plus where state lives. */
export type RegistryCli = ServiceContext & { home: string; json: boolean };

/** `--home` for commands that touch the metadata store. */
export function addHomeOption(command: Command): Command {
  return command.option('--home <dir>', 'state folder (default: $RAGOPS_HOME or ./.ragops)');
}

/** `--home`, else RAGOPS_HOME, else ./.ragops, as an absolute path. */
export function resolveHome(flags: { home?: string | undefined }): string {
  return resolve(flags.home ?? (process.env.RAGOPS_HOME || '.ragops'));
}

/**
 * Opens the store (RAGOPS_METADATA_URL, else sqlite:<home>/ragops.db), resolves the actor (the
 * principal of RAGOPS_TOKEN when set, else the local admin), runs `fn`, closes the store.
 * The CLI is the only place that reads the environment.
 */
export async function withRegistry<T>(command: Command, fn: (cli: RegistryCli) => Promise<T>): Promise<T> {
  const opts = command.optsWithGlobals<GlobalOptions & { home?: string }>();
  const home = resolveHome(opts);
  const url = process.env.RAGOPS_METADATA_URL || defaultMetadataUrl(home);
  const store: MetadataStore = await openMetadataStore(url);
  try {
    const token = process.env.RAGOPS_TOKEN;
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
