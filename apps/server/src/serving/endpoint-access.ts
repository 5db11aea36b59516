import {
  type Endpoint,
  endpointAccessDenial,
  findEndpoint,
  type MetadataStore,
  mayUseEndpoint,
  NotFoundError,
  PermissionDeniedError,
  type Principal,
  RateLimitedError,
} from '@ragops/core';
import { LruMap } from './lru-map.ts';
import { RateLimiter } from './rate-limiter.ts';

/** Default cap on each cache (endpoint lookups, hits and misses; principal × endpoint grants). */
export const ENDPOINT_ACCESS_CACHE_MAX = 10_000;

/**
 * Who may call which endpoint, and how often: the endpoint config and each principal's EXECUTE
 * check are re-read from the store at most every `stalenessMs` (so an update or a revoked grant
 * reaches every replica within that bound), plus the per-principal token bucket.
 */
export class EndpointAccess {
  readonly #store: MetadataStore;
  readonly #stalenessMs: number;
  /** Misses are cached too (a client retrying an unknown name must not hit the store each time), so bounded. */
  readonly #endpoints: LruMap<string, { endpoint: Endpoint | undefined; at: number }>;
  /** The denial (its message and details), or undefined when the principal may call the endpoint. */
  readonly #grants: LruMap<string, { denial: PermissionDeniedError | undefined; at: number }>;
  readonly #limiter = new RateLimiter();
  readonly #workers: number;
  /** Each endpoint's rateLimit as this process enforces it (its share), by the endpoint's config object. */
  readonly #shares = new WeakMap<object, { requestsPerMinute: number; burst: number }>();

  /**
   * `workers`: processes sharing the port (RAGOPS_WORKERS, as startServer passes it; default 1). Round-robin spreads a client's requests evenly over them, and each holds its
   * own token buckets, so each enforces 1/workers of every rateLimit (rate and burst, rounded up):
   * the server as a whole then allows what the endpoint says, not workers × that.
   */
  constructor(store: MetadataStore, stalenessMs: number, options: { cacheMax?: number; workers?: number } = {}) {
    this.#store = store;
    this.#stalenessMs = stalenessMs;
    this.#workers = options.workers ?? 1;
    this.#endpoints = new LruMap(options.cacheMax ?? ENDPOINT_ACCESS_CACHE_MAX);
    this.#grants = new LruMap(options.cacheMax ?? ENDPOINT_ACCESS_CACHE_MAX);
  }

  /** Entries in the endpoint cache (for tests and metrics). */
  get cachedEndpoints(): number {
    return this.#endpoints.size;
  }

  /**
   * The endpoint `principal` may call now: NotFoundError (OpenAI's "model does not exist" wording),
   * PermissionDeniedError naming what is missing for EXECUTE on the served models (the registry's
   * access rules, via endpointAccessDenial), RateLimitedError past its limit.
   */
  async admit(name: string, principal: Principal): Promise<Endpoint> {
    const endpoint = await this.#endpoint(name);
    await this.#authorize(principal, endpoint);
    const limit = endpoint.config.rateLimit;
    if (limit && !this.#limiter.take(`${endpoint.name}\u0000${principal.name}`, this.#share(limit))) {
      throw new RateLimitedError(
        `Rate limit of ${limit.requestsPerMinute} requests per minute reached for ${principal.name} on ${endpoint.name}`,
      );
    }
    return endpoint;
  }

  /** Endpoints the principal may call (EXECUTE on every model they serve), by name. */
  async usable(principal: Principal): Promise<Endpoint[]> {
    const rows = await this.#store.all<{ name: string }>('SELECT name FROM serving_endpoints ORDER BY name');
    const usable: Endpoint[] = [];
    for (const { name } of rows) {
      const endpoint = await findEndpoint(this.#store, name);
      if (
        endpoint &&
        (await mayUseEndpoint({ store: this.#store, actor: principal, endpoint, privilege: 'EXECUTE' }))
      ) {
        usable.push(endpoint);
      }
    }
    return usable;
  }

  #share(limit: { requestsPerMinute: number; burst?: number }): { requestsPerMinute: number; burst: number } {
    let share = this.#shares.get(limit);
    if (!share) {
      const n = this.#workers;
      share = {
        requestsPerMinute: Math.ceil(limit.requestsPerMinute / n),
        burst: Math.ceil((limit.burst ?? limit.requestsPerMinute) / n),
      };
      this.#shares.set(limit, share);
    }
    return share;
  }

  async #endpoint(name: string): Promise<Endpoint> {
    const now = performance.now();
    let cached = this.#endpoints.get(name);
    if (!cached || now - cached.at >= this.#stalenessMs) {
      cached = { endpoint: await findEndpoint(this.#store, name), at: now };
      this.#endpoints.set(name, cached);
    }
    if (!cached.endpoint) {
      throw new NotFoundError(`The model \`${name}\` does not exist or you do not have access to it.`, {
        details: { param: 'model' },
      });
    }
    return cached.endpoint;
  }

  async #authorize(principal: Principal, endpoint: Endpoint): Promise<void> {
    const key = `${principal.name}\u0000${endpoint.name}`;
    const now = performance.now();
    let cached = this.#grants.get(key);
    if (!cached || now - cached.at >= this.#stalenessMs) {
      const denial = await endpointAccessDenial({
        store: this.#store,
        actor: principal,
        endpoint,
        privilege: 'EXECUTE',
      });
      cached = { denial, at: now };
      this.#grants.set(key, cached);
    }
    // A fresh error each time (a cached instance would carry the first caller's stack).
    if (cached.denial) throw new PermissionDeniedError(cached.denial.message, { details: cached.denial.details });
  }
}
