import type { Principal } from '@ragops/core';
import type { ServerLogger } from './logger.ts';

/** Per-request variables every route can read with `c.get(...)`. */
export type AppVariables = {
  /** From hono's requestId() middleware; echoed as `x-request-id` and written into audit rows. */
  requestId: string;
  /** Child logger carrying the requestId. */
  logger: ServerLogger;
  /** The authenticated caller; set by the bearer auth middleware on protected routes. */
  principal: Principal;
};

/** The hono Env of the ragops app. */
export type AppEnv = { Variables: AppVariables };
