/**
 * Token buckets per key (endpoint + principal): `requestsPerMinute` refill, `burst` capacity
 * (default: one minute's worth). In memory, so per replica: N replicas allow up to N× the rate;
 * a shared limiter (Redis) is the step up when that matters. The workers of one server
 * (RAGOPS_WORKERS) split each limit instead: EndpointAccess gives every worker 1/N of it.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Takes one token; false when the bucket is empty (the caller answers 429). */
  take(key: string, limit: { requestsPerMinute: number; burst?: number }): boolean {
    const capacity = limit.burst ?? limit.requestsPerMinute;
    const now = this.#now();
    const bucket = this.#buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) * limit.requestsPerMinute) / 60_000);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > 100_000) this.#evictFull(capacity);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  // Keys whose bucket is full carry no state worth keeping.
  #evictFull(capacity: number): void {
    for (const [key, bucket] of this.#buckets) if (bucket.tokens >= capacity) this.#buckets.delete(key);
  }
}
