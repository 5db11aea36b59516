import { availableParallelism } from 'node:os';
import path from 'node:path';
import { ConfigError } from '@ragops/core';
import { z } from 'zod';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const configSchema = z
  .object({
    // TCP port to listen on; 0 picks a free port (tests).
    PORT: z.coerce.number().int().min(0).max(65_535).default(8787),
    // Loopback by default: expose on 0.0.0.0 only on purpose, behind TLS termination.
    HOST: z.string().min(1).default('127.0.0.1'),
    // Folder holding local state (SQLite store, LanceDB indexes); relative paths resolve from the cwd.
    RAGOPS_HOME: z.string().min(1).default('.ragops'),
    // sqlite:<path> serves one machine (server and CLI at once); postgres:// once replicas share state.
    // Unset: sqlite:<RAGOPS_HOME>/ragops.db.
    RAGOPS_METADATA_URL: z.string().min(1).optional(),
    // json for log shippers, pretty for a human at a terminal.
    RAGOPS_LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
    RAGOPS_LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    // Level of the one log line per request (probes always debug); debug quiets a busy server.
    RAGOPS_REQUEST_LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    // Largest request body accepted, in bytes; larger bodies get 413 before any parsing.
    RAGOPS_MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(1024 * 1024),
    // How long a graceful shutdown waits for in-flight requests and shutdown hooks, in milliseconds.
    RAGOPS_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    // Folder of eval datasets (<name>.jsonl) that POST /api/v1/eval-runs may name; relative to the cwd.
    RAGOPS_EVALS_DIR: z.string().min(1).default('evals'),
    // Key of the console's session cookies (≥ 32 chars); replicas must share it. Unset: a random key
    // per process, so console sessions end when the server restarts.
    RAGOPS_CONSOLE_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    // How long a replica trusts a resolved bearer token without asking the store, in ms (0: always
    // ask). A revoked or expired token keeps working for at most this long; at most 60 s.
    RAGOPS_TOKEN_CACHE_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
    // The spec whose `gates:` the server syncs at startup (and whose `providers:` serving reads);
    // unset: ./ragops.yaml when it exists.
    RAGOPS_SPEC: z.string().min(1).optional(),
    // Server processes sharing the port (node:cluster, round-robin): 1–64, or `auto` for one per core
    // (os.availableParallelism()). 1: one process and no primary, as before; > 1: a primary forks
    // that many workers (cluster/cluster-primary.ts). One process tops out at one core.
    RAGOPS_WORKERS: z
      .string()
      .regex(/^(auto|\d{1,2})$/, 'must be an integer from 1 to 64, or auto')
      .transform((v) => (v === 'auto' ? Math.min(64, availableParallelism()) : Number(v)))
      .pipe(
        z
          .number()
          .int()
          .min(1, 'must be an integer from 1 to 64, or auto')
          .max(64, 'must be an integer from 1 to 64, or auto'),
      )
      .default(1),
  })
  .transform((env) => {
    const home = path.resolve(env.RAGOPS_HOME);
    return {
      port: env.PORT,
      host: env.HOST,
      home,
      metadataUrl: env.RAGOPS_METADATA_URL ?? `sqlite:${path.join(home, 'ragops.db')}`,
      logFormat: env.RAGOPS_LOG_FORMAT,
      logLevel: env.RAGOPS_LOG_LEVEL,
      requestLogLevel: env.RAGOPS_REQUEST_LOG_LEVEL,
      maxBodyBytes: env.RAGOPS_MAX_BODY_BYTES,
      shutdownTimeoutMs: env.RAGOPS_SHUTDOWN_TIMEOUT_MS,
      evalsDir: path.resolve(env.RAGOPS_EVALS_DIR),
      consoleSecret: env.RAGOPS_CONSOLE_SECRET,
      tokenCacheTtlMs: env.RAGOPS_TOKEN_CACHE_TTL_MS,
      specPath: env.RAGOPS_SPEC === undefined ? undefined : path.resolve(env.RAGOPS_SPEC),
      workers: env.RAGOPS_WORKERS,
    };
  });

/** The server's configuration, parsed once from the environment at startup. */
export type ServerConfig = z.output<typeof configSchema>;

/** Parses the environment; reports every problem at once as one ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  // Treat `FOO=` as unset, so defaults apply instead of failing on "".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(present);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid server environment:\n${lines.join('\n')}`, {
      details: { issues: result.error.issues },
    });
  }
  return result.data;
}
