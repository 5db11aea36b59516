/**
 * A growable list of numbers (one Float64Array, doubled when full: 8 bytes a value, a quarter of a
 * JS array of boxed numbers) and exact quantiles over it.
 */
export class SampleValues {
  #values = new Float64Array(16);
  #length = 0;
  #sum = 0;

  get length(): number {
    return this.#length;
  }

  push(value: number | null): void {
    if (value === null || !Number.isFinite(value)) return;
    if (this.#length === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#length++] = value;
    this.#sum += value;
  }

  mean(): number | null {
    return this.#length === 0 ? null : this.#sum / this.#length;
  }

  sum(): number {
    return this.#sum;
  }

  /**
   * The q-quantiles (0 < q < 1) by linear interpolation between closest ranks (Hyndman–Fan type 7:
   * what PostgreSQL's percentile_cont and numpy's default compute). Computed here from the scanned
   * values, not in SQL, because SQLite has no percentile function: the same code gives the same
   * numbers on both backends. Hand-written (ten lines) rather than a statistics dependency. Null when empty.
   */
  quantiles(qs: readonly number[]): (number | null)[] {
    if (this.#length === 0) return qs.map(() => null);
    const sorted = this.#values.slice(0, this.#length).sort();
    return qs.map((q) => {
      const h = (sorted.length - 1) * q;
      const lo = Math.floor(h);
      const hi = Math.min(lo + 1, sorted.length - 1);
      return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
    });
  }
}
