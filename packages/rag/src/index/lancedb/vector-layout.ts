/**
 * How a resident version's vectors are held (resident-chunks.ts): dense dimension-major columns
 * (dense-columns.ts) or sparse columns (sparse-columns.ts), chosen per version from the density of
 * its vectors. Either one answers the exact cosine top k, as LanceDB's flat search ranks them.
 */
export type VectorLayout = {
  readonly kind: 'dense' | 'sparse';
  readonly rows: number;
  /** Bytes held: the typed arrays (and WebAssembly memory) as allocated. */
  readonly bytes: number;
  /** The k rows most cosine-similar to `query` among those with mask[row] ≠ 0 (all without a mask), best first. */
  search(query: Float32Array | readonly number[], k: number, mask?: Uint8Array): { rows: number[]; scores: number[] };
};

/**
 * A best-first list of at most k (row, score): `insert` is an insertion into the sorted arrays, and
 * most rows of a scan fail the `admits` check first.
 */
export class TopK {
  readonly rows: number[] = [];
  readonly scores: number[] = [];
  readonly #k: number;

  constructor(k: number) {
    this.#k = k;
  }

  /** The score a row must beat to enter (−∞ until k rows are in). */
  get threshold(): number {
    if (this.#k <= 0) return Number.POSITIVE_INFINITY;
    return this.rows.length === this.#k ? this.scores[this.#k - 1]! : Number.NEGATIVE_INFINITY;
  }

  insert(row: number, score: number): void {
    const k = this.#k;
    const { rows, scores } = this;
    if (k <= 0 || (rows.length === k && !(score > scores[k - 1]!))) return;
    let at = rows.length === k ? k - 1 : rows.length;
    while (at > 0 && scores[at - 1]! < score) {
      rows[at] = rows[at - 1]!;
      scores[at] = scores[at - 1]!;
      at--;
    }
    rows[at] = row;
    scores[at] = score;
  }
}
