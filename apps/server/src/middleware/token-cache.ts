import { authenticate, type MetadataStore, type Principal } from '@ragops/core';
import { LRUCache } from 'lru-cache';

/** Resolves a bearer token to its principal; UnauthenticatedError when unknown, expired or revoked. */
export type TokenAuthenticator = {
  authenticate(token: string): Promise<Principal>;
  /** Drops every cached token (after a revocation through this app, which knows the id, not the token). */
  forgetAll(): void;
  /** Tokens cached now (at most `maxEntries`). */
  readonly size: number;
};

export type TokenCacheOptions = {
  /**
   * How long a resolved token is trusted without asking the store, in ms; 0 asks every time. A token
   * revoked or expired, or a principal changed, is still accepted for up to this long on a replica
   * that resolved it just before (a revocation through this replica's API takes effect at once:
   * `forgetAll`). Grants are not cached: authorize reads them on every call.
   */
  ttlMs?: number;
  /** Most tokens held; the least recently used goes first. */
  maxEntries?: number;
  /** The cache's clock in ms (tests pass their own to cross the TTL without sleeping). */
  now?: () => number;
};

/**
 * `authenticate` behind a small LRU with a short TTL. Under load the store lookup (sha256 of the
 * token, then a SELECT) cost ~2% of the main thread on every request (bench:serving profile); one
 * resolution per token per TTL serves the rest from memory. Only successes are cached: a wrong token
 * asks the store each time, so guessing fills nothing. lru-cache (not a hand-written Map) gives the
 * bound, recency and TTL in one well-kept package.
 * @example const tokens = createTokenAuthenticator(store); c.set('principal', await tokens.authenticate(token))
 */
export function createTokenAuthenticator(store: MetadataStore, options: TokenCacheOptions = {}): TokenAuthenticator {
  const ttlMs = options.ttlMs ?? 1_000;
  if (ttlMs === 0) return { authenticate: (token) => authenticate(store, token), forgetAll: () => {}, size: 0 };
  const cache = new LRUCache<string, Principal>({
    max: options.maxEntries ?? 10_000,
    ttl: ttlMs,
    // Read the clock at every lookup: the default (once per ms, reset by a timer) would let a test's
    // clock jump past the TTL unseen until a real millisecond passes.
    ttlResolution: 0,
    ...(options.now && { perf: { now: options.now } }),
  });
  return {
    async authenticate(token) {
      const hit = cache.get(token);
      if (hit) return hit;
      const principal = await authenticate(store, token);
      // Frozen: one object now serves many requests, none may change it for the others.
      cache.set(token, Object.freeze(principal));
      return principal;
    },
    forgetAll() {
      cache.clear();
    },
    get size() {
      return cache.size;
    },
  };
}
