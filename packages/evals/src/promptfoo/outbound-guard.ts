import { isIP } from 'node:net';
import { join } from 'node:path';

/**
 * The environment promptfoo reads for a run with no network: no telemetry, no update check, no
 * sharing or remote generation, and its config (promptfoo.yaml, its SQLite) and cache under
 * `RAGOPS_HOME/promptfoo`. promptfoo reads process.env directly (some values when it is imported),
 * so the bridge sets these before importing it.
 */
export function promptfooEnv(home: string): Record<string, string> {
  const dir = join(home, 'promptfoo');
  return {
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    PROMPTFOO_DISABLE_SHARING: '1',
    PROMPTFOO_DISABLE_REMOTE_GENERATION: '1',
    PROMPTFOO_DISABLE_REDTEAM_REMOTE_GENERATION: '1',
    PROMPTFOO_SELF_HOSTED: '1',
    PROMPTFOO_CONFIG_DIR: join(dir, 'config'),
    PROMPTFOO_CACHE_TYPE: 'disk',
    PROMPTFOO_CACHE_PATH: join(dir, 'cache'),
  };
}

/** Loopback names and addresses: the only hosts a bridge run may reach through fetch. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host.startsWith('::ffff:127.');
  return false;
}

function urlOf(input: Parameters<typeof fetch>[0]): URL | undefined {
  try {
    if (input instanceof URL) return input;
    if (typeof input === 'string') return new URL(input);
    return new URL(input.url);
  } catch (error) {
    if (error instanceof TypeError) return undefined;
    throw error;
  }
}

/** What a guarded run refused: one entry per outside fetch attempted (host only, never the body). */
export type OutboundGuard = { refused: string[]; release(): void };

let active: { original: typeof fetch; holders: number; refused: string[][] } | undefined;

/**
 * Makes every outside connection through `fetch` impossible until `release()`: a fetch to a host
 * that is not loopback rejects at once, before any socket or DNS lookup, as a network failure.
 *
 * Why fetch: promptfoo 0.123.1, with PROMPTFOO_DISABLE_TELEMETRY set, still records one event per
 * process ("telemetry disabled", `Telemetry.recordTelemetryDisabled`) and posts it to
 * https://r.promptfoo.app/ through `fetchWithProxy` → global `fetch` (with its own undici Agent,
 * so a global dispatcher would not see it), and no environment variable turns that post off. Every
 * HTTP call promptfoo makes goes through that global `fetch`. Remove when promptfoo stops posting
 * with telemetry disabled (re-measure with test/eval-promptfoo.test.ts).
 *
 * Callers whose own traffic must reach a configured remote host (the chain's hosted LLM, a judge
 * model) capture `fetch` before the guard and pass it to those clients explicitly.
 * Nested guards share one wrapper; the last release restores the original fetch.
 */
export function guardOutboundFetch(): OutboundGuard {
  const refused: string[] = [];
  if (!active) {
    const original = globalThis.fetch;
    const state = { original, holders: 0, refused: [] as string[][] };
    globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      const url = urlOf(input);
      if (url && !isLoopbackHost(url.hostname)) {
        for (const list of state.refused) list.push(url.host);
        return Promise.reject(
          new TypeError('fetch failed', {
            cause: new Error(`ragops: outside connection to ${url.host} refused during a promptfoo run`),
          }),
        );
      }
      return original(input, init);
    }) as typeof fetch;
    active = state;
  }
  const state = active;
  state.holders++;
  state.refused.push(refused);
  let released = false;
  return {
    refused,
    release() {
      if (released) return;
      released = true;
      state.refused.splice(state.refused.indexOf(refused), 1);
      if (--state.holders === 0) {
        globalThis.fetch = state.original;
        active = undefined;
      }
    },
  };
}
