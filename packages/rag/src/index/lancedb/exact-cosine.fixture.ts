import { TopK } from './vector-layout.ts';

/**
 * Tests' reference scan: every row's cosine with the query, dot products in float64 and each row's
 * inverse norm rounded to float32 as the layouts store it, the k best by TopK. The layouts
 * (dense-columns.ts, sparse-columns.ts) are checked against it.
 */
export class ExactCosine {
  readonly #dimensions: number;
  readonly #rows: Float32Array[] = [];

  constructor(dimensions: number) {
    this.#dimensions = dimensions;
  }

  add(values: Float32Array, offset: number): void {
    this.#rows.push(values.slice(offset, offset + this.#dimensions));
  }

  search(query: Float32Array | readonly number[], k: number, mask?: Uint8Array): { rows: number[]; scores: number[] } {
    let qq = 0;
    for (let j = 0; j < query.length; j++) qq += query[j]! * query[j]!;
    const top = new TopK(k);
    this.#rows.forEach((row, i) => {
      if (mask && mask[i] === 0) return;
      let dot = 0;
      let rr = 0;
      for (let j = 0; j < row.length; j++) {
        dot += row[j]! * query[j]!;
        rr += row[j]! * row[j]!;
      }
      const inverseNorm = rr > 0 ? Math.fround(1 / Math.sqrt(rr)) : 0;
      const score = qq > 0 ? dot * inverseNorm * (1 / Math.sqrt(qq)) : 0;
      if (score > top.threshold) top.insert(i, score);
    });
    return top;
  }
}
