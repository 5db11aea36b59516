import type { Context } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import type { ConsoleEnv } from './console-auth.ts';

/** Query of list pages: only an opaque page token; strict, so a typo is a 400 page naming it. */
export const pageTokenQuery = z.strictObject({ pageToken: z.string().max(2000).optional() });

/** `{ store, actor }` for a read-only service call as the signed-in principal (its grants apply). */
export function readAs(c: Context<ConsoleEnv>, ctx: AppContext) {
  return { store: ctx.store, actor: c.get('principal') };
}

/** `{ store, actor, requestId }` for a mutating service call (the requestId lands in the audit row). */
export function actAs(c: Context<ConsoleEnv>, ctx: AppContext) {
  return { store: ctx.store, actor: c.get('principal'), requestId: c.get('requestId') };
}

/** The layout's signed-in chrome: who, and the CSRF token of the sign-out form. */
export function chrome(c: Context<ConsoleEnv>) {
  return { principal: c.get('principal').name, csrf: c.get('csrf') };
}
