import type { Chain, ChainVersion } from './chain-types.ts';

export type ChainResolverOptions = {
  /**
   * Reads a model URI (`models:/c.s.m/3` or `models:/c.s.m@alias`) from the metadata store:
   * the version it names now and its package. Throws NotFoundError when absent.
   */
  lookup: (uri: string) => Promise<ChainVersion>;
  /** Loads a version into a chain (usually `loadChain` with the app's providers bound). */
  load: (version: ChainVersion) => Promise<Chain>;
  /**
   * How stale an alias → version mapping may get: an alias is re-read from the store at most this
   * often (default 1000 ms). Replicas sharing one PostgreSQL store each re-read, so an alias move
   * reaches every replica within this bound.
   */
  aliasStalenessMs?: number;
  /** Loaded chains kept (least recently used dropped). Default 64. */
  maxChains?: number;
  now?: () => number;
};

type AliasEntry = { value: ChainVersion; fetchedAt: number };

/**
 * Model URI → loaded chain, with two caches: versions are immutable, so a loaded chain is kept
 * until evicted; alias targets are re-read at most every `aliasStalenessMs`. Concurrent requests
 * share one store read and one load (single flight). A failed read or load is not cached.
 */
export class ChainResolver {
  readonly #options: ChainResolverOptions;
  readonly #aliases = new Map<string, AliasEntry>();
  readonly #pendingLookups = new Map<string, Promise<ChainVersion>>();
  readonly #versions = new Map<string, ChainVersion>();
  readonly #chains = new Map<string, Promise<Chain>>();

  constructor(options: ChainResolverOptions) {
    this.#options = options;
  }

  /** The chain serving `uri` now (within the alias staleness bound). */
  async resolve(uri: string): Promise<Chain> {
    const version = await this.resolveVersion(uri);
    return this.chainFor(version);
  }

  /** The version `uri` names now (within the alias staleness bound). */
  async resolveVersion(uri: string): Promise<ChainVersion> {
    const pinned = this.#versions.get(uri);
    if (pinned) return pinned;
    const now = (this.#options.now ?? Date.now)();
    const cached = this.#aliases.get(uri);
    if (cached && now - cached.fetchedAt < (this.#options.aliasStalenessMs ?? 1_000)) return cached.value;
    let pending = this.#pendingLookups.get(uri);
    if (!pending) {
      pending = this.#options.lookup(uri).finally(() => this.#pendingLookups.delete(uri));
      this.#pendingLookups.set(uri, pending);
    }
    const value = await pending;
    if (isVersionUri(uri)) this.#versions.set(uri, value);
    else this.#aliases.set(uri, { value, fetchedAt: now });
    return value;
  }

  /** Forgets cached alias targets (all, or one URI) so the next request re-reads the store. */
  invalidate(uri?: string): void {
    if (uri === undefined) this.#aliases.clear();
    else this.#aliases.delete(uri);
  }

  /** Number of loaded chains held (for metrics). */
  get loadedChains(): number {
    return this.#chains.size;
  }

  /** The loaded chain of a version (from the cache, or loaded once). */
  chainFor(version: ChainVersion): Promise<Chain> {
    const key = `${version.modelName}/${version.version}`;
    let chain = this.#chains.get(key);
    if (chain) {
      this.#chains.delete(key);
      this.#chains.set(key, chain); // most recently used last
      return chain;
    }
    chain = this.#options.load(version);
    this.#chains.set(key, chain);
    chain.catch(() => this.#chains.delete(key));
    const max = this.#options.maxChains ?? 64;
    while (this.#chains.size > max) {
      const oldest = this.#chains.keys().next().value!;
      this.#chains.delete(oldest);
      const stale = [...this.#versions].filter(([, v]) => `${v.modelName}/${v.version}` === oldest);
      for (const [uri] of stale) this.#versions.delete(uri);
    }
    return chain;
  }
}

function isVersionUri(uri: string): boolean {
  return /^models:\/[^@]+\/\d+$/.test(uri);
}
