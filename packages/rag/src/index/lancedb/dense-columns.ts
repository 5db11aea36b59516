import { type ColumnKernel, kernelMemory } from './scan-kernels.ts';
import { TopK, type VectorLayout } from './vector-layout.ts';

/** Rows of a column are padded to a multiple of this (the `floats` kernel adds 8 rows a step). */
const ROW_BLOCK = 8;

/**
 * Vectors dimension-major (column j of every row contiguous, padded to a multiple of 8 rows) in
 * WebAssembly memory, with each row's inverse norm: a query adds q_j × column j for each of its
 * non-zero dimensions with the `floats` kernel (scan-kernels.ts, float32x4 lanes), so a dense query
 * reads every byte held. Dot products accumulate in float32, as LanceDB's float32 kernels do.
 * CPU per query (k 50) against the JavaScript loop this replaced, same process, 2-core machine at
 * load 4.5: 20,000 × 384 (a MiniLM-sized model), dense query 10.3 → 2.0 ms; 20,000 × 1024 dense
 * 24.9 → 9.6 ms (it reads 80 MB: memory-bound), a hash query 1.06 → 0.21 ms; 1,339 × 1024 dense
 * 1.56 → 0.26 ms, hash 0.08 → 0.03 ms.
 */
export class DenseColumns implements VectorLayout {
  readonly kind = 'dense';
  readonly rows: number;
  readonly dimensions: number;
  readonly bytes: number;
  readonly #stride: number;
  readonly #byDimension: Float32Array;
  readonly #inverseNorms: Float32Array;
  readonly #dots: Float32Array;
  readonly #dotsAt: number;
  readonly #floats: ColumnKernel;
  #added = 0;

  constructor(rows: number, dimensions: number) {
    this.rows = rows;
    this.dimensions = dimensions;
    const stride = Math.max(ROW_BLOCK, Math.ceil(rows / ROW_BLOCK) * ROW_BLOCK);
    this.#stride = stride;
    const matrixBytes = stride * dimensions * 4;
    const { buffer, floats } = kernelMemory(matrixBytes + stride * 4);
    this.#byDimension = new Float32Array(buffer, 0, stride * dimensions);
    this.#dotsAt = matrixBytes;
    this.#dots = new Float32Array(buffer, matrixBytes, stride);
    this.#floats = floats;
    this.#inverseNorms = new Float32Array(rows);
    this.bytes = buffer.byteLength + this.#inverseNorms.byteLength;
  }

  /** Appends the row whose vector is values[offset, offset + dimensions). */
  add(values: Float32Array, offset: number): void {
    const dimensions = this.dimensions;
    const stride = this.#stride;
    const row = this.#added++;
    if (row >= this.rows) throw new Error(`more than the ${this.rows} rows counted`);
    const byDimension = this.#byDimension;
    let sq = 0;
    for (let j = 0; j < dimensions; j++) {
      const x = values[offset + j]!;
      byDimension[j * stride + row] = x;
      sq += x * x;
    }
    this.#inverseNorms[row] = sq > 0 ? 1 / Math.sqrt(sq) : 0;
  }

  search(vector: Float32Array | readonly number[], k: number, mask?: Uint8Array): { rows: number[]; scores: number[] } {
    const n = this.rows;
    const columnBytes = this.#stride * 4;
    const inverseNorms = this.#inverseNorms;
    const dots = this.#dots; // scratch: a search never yields midway
    dots.fill(0);
    let querySq = 0;
    for (let j = 0; j < vector.length; j++) {
      const q = vector[j]!;
      if (q === 0) continue;
      querySq += q * q;
      this.#floats(j * columnBytes, (j + 1) * columnBytes, q, this.#dotsAt);
    }
    const queryInverseNorm = querySq > 0 ? 1 / Math.sqrt(querySq) : 0;
    const top = new TopK(k);
    for (let i = 0; i < n; i++) {
      if (mask && mask[i] === 0) continue;
      const score = dots[i]! * inverseNorms[i]! * queryInverseNorm;
      if (score > top.threshold) top.insert(i, score);
    }
    return top;
  }
}
