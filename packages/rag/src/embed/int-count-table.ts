/**
 * Counts occurrences of non-zero int32 keys without allocating per key (open addressing over typed
 * arrays, cleared in O(used)). The hash embedder's per-text bigram tf table: a Map keyed by
 * numbers ≥ 2^30 boxes every key, and that was a measurable share of embedding time.
 */
export class IntCountTable {
  #keys: Int32Array;
  #counts: Int32Array;
  #used: Int32Array;
  #size = 0;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity) cap *= 2;
    this.#keys = new Int32Array(cap);
    this.#counts = new Int32Array(cap);
    this.#used = new Int32Array(cap);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds one occurrence of `key` (0 is reserved: it is counted as 1). */
  increment(key: number): void {
    const k = key | 0 || 1;
    if (this.#size * 2 >= this.#keys.length) this.#grow();
    const mask = this.#keys.length - 1;
    let slot = (Math.imul(k, 0x9e3779b1) >>> 0) & mask;
    while (true) {
      const at = this.#keys[slot]!;
      if (at === k) {
        this.#counts[slot]!++;
        return;
      }
      if (at === 0) {
        this.#keys[slot] = k;
        this.#counts[slot] = 1;
        this.#used[this.#size++] = slot;
        return;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Calls fn(key, count) for every key, in insertion order. */
  forEach(fn: (key: number, count: number) => void): void {
    for (let i = 0; i < this.#size; i++) {
      const slot = this.#used[i]!;
      fn(this.#keys[slot]!, this.#counts[slot]!);
    }
  }

  clear(): void {
    for (let i = 0; i < this.#size; i++) this.#keys[this.#used[i]!] = 0;
    this.#size = 0;
  }

  #grow(): void {
    const keys = this.#keys;
    const counts = this.#counts;
    const used = this.#used;
    const size = this.#size;
    this.#keys = new Int32Array(keys.length * 2);
    this.#counts = new Int32Array(keys.length * 2);
    this.#used = new Int32Array(keys.length * 2);
    this.#size = 0;
    for (let i = 0; i < size; i++) {
      const slot = used[i]!;
      const k = keys[slot]!;
      const c = counts[slot]!;
      this.increment(k);
      this.#counts[this.#used[this.#size - 1]!] = c;
    }
  }
}
