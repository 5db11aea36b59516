/**
 * A map from a token's 64-bit hash (two int32 halves) to a non-negative int, over typed arrays so a
 * lookup allocates nothing. It grows as needed; the owner empties it between texts when it is big
 * (never mid-text, so that a text's embedding does not depend on what was embedded before).
 */
export class TokenCache {
  #a: Int32Array;
  #b: Int32Array;
  /** value + 1; 0 marks an empty slot. */
  #v: Int32Array;
  #size = 0;

  constructor(capacityPow2 = 1 << 16) {
    this.#a = new Int32Array(capacityPow2);
    this.#b = new Int32Array(capacityPow2);
    this.#v = new Int32Array(capacityPow2);
  }

  get size(): number {
    return this.#size;
  }

  /** The value stored for (a, b), or -1. */
  get(a: number, b: number): number {
    const mask = this.#v.length - 1;
    let slot = (a ^ Math.imul(b, 0x27d4eb2d)) & mask;
    while (true) {
      const v = this.#v[slot]!;
      if (v === 0) return -1;
      if (this.#a[slot] === (a | 0) && this.#b[slot] === (b | 0)) return v - 1;
      slot = (slot + 1) & mask;
    }
  }

  /** Stores value (≥ 0) for (a, b), which must not be present yet. */
  set(a: number, b: number, value: number): void {
    if ((this.#size + 1) * 2 > this.#v.length) this.#grow();
    const mask = this.#v.length - 1;
    let slot = (a ^ Math.imul(b, 0x27d4eb2d)) & mask;
    while (this.#v[slot] !== 0) slot = (slot + 1) & mask;
    this.#a[slot] = a;
    this.#b[slot] = b;
    this.#v[slot] = value + 1;
    this.#size++;
  }

  clear(): void {
    this.#v.fill(0);
    this.#size = 0;
  }

  #grow(): void {
    const [a, b, v] = [this.#a, this.#b, this.#v];
    this.#a = new Int32Array(a.length * 2);
    this.#b = new Int32Array(a.length * 2);
    this.#v = new Int32Array(a.length * 2);
    this.#size = 0;
    for (let i = 0; i < v.length; i++) if (v[i] !== 0) this.set(a[i]!, b[i]!, v[i]! - 1);
  }
}
