import { type ColumnKernel, kernelMemory } from './scan-kernels.ts';
import { TopK, type VectorLayout } from './vector-layout.ts';

/** Rows per block: each (block, dimension) has its own int8 scale (a tighter bound than one per dimension). */
export const SPARSE_BLOCK_ROWS = 8192;
/**
 * At this density and above, the quantized columns hold every row (1 byte a row and dimension,
 * scanned 16 rows a step); below, only the non-zeros (2 bytes each, one at a time). scan-kernels.ts.
 */
export const FULL_COLUMNS_DENSITY = 0.2;
/** Quantization steps either side of zero. */
const STEPS = 127;
const FLOAT32_EPSILON = 2 ** -23;

/** A copy of `array` with room for at least `need` elements (capacity doubling). */
function grow<T extends Uint16Array | Int16Array | Int32Array | Float32Array>(array: T, need: number): T {
  if (need <= array.length) return array;
  const bigger = new (array.constructor as new (n: number) => T)(Math.max(need, array.length * 2));
  bigger.set(array);
  return bigger;
}

/**
 * Vectors with many zeros (feature-hashed: 43% of 1024 dimensions non-zero for a 600-character
 * chunk) held twice:
 *
 * - rows without their zeros (CSR: per row its dimensions, uint16, and float32 values; 6 bytes a
 *   non-zero), for the exact dot products of the few rows that may be in the top k;
 * - columns quantized to int8 (a scale per block of SPARSE_BLOCK_ROWS rows and dimension) in
 *   WebAssembly memory, every row (1 byte a row and dimension) at FULL_COLUMNS_DENSITY or more, else
 *   the non-zeros (2 bytes each), scanned by scan-kernels.ts for the query's non-zero dimensions
 *   only: an approximate dot product of every row.
 *
 * A search is exact all the same: the quantization error of a row's approximate dot is at most half
 * a step per query dimension, Σ |q_j| × scale(block, j) / 2 (plus float32 rounding), so after the
 * exact top k of the best approximate rows, only rows whose approximate score plus that bound reaches
 * the k-th exact score can still belong, and each of those is scored exactly too (on bench:index's
 * hash queries, under one row a query). The result is the top k by exact cosine, as DenseColumns
 * and LanceDB's flat search rank them (ties aside). Measured in resident-chunks.ts.
 */
export class SparseColumns implements VectorLayout {
  readonly kind = 'sparse';
  readonly dimensions: number;
  #rows = 0;
  // Rows (CSR).
  #rowStart = new Int32Array(1025);
  #dims = new Uint16Array(1 << 16);
  #values = new Float32Array(1 << 16);
  #inverseNorms = new Float32Array(1024);
  // Quantized columns, in WebAssembly memory once finished: per (block, dimension) its int8 scale and
  // the byte where it starts (full columns: SPARSE_BLOCK_ROWS bytes each; non-zeros: int16 entries).
  #columnStart = new Int32Array(0);
  #scales = new Float32Array(0);
  #blocks = 0;
  #full = false;
  #finished = false;
  #memory: ArrayBuffer | undefined;
  #kernel: ColumnKernel | undefined;
  #dots = new Float32Array(0);
  #dotsPtr = 0;
  #seen = new Uint8Array(0);
  /** Where each (block, dimension)'s bytes end. */
  #columnEnd = new Int32Array(0);
  readonly #query: Float64Array;

  /** `expected` sizes the row arrays up front (each doubling copied them: 7% of a 100k load). */
  constructor(dimensions: number, expected?: { rows: number; nonZeros: number }) {
    if (dimensions > 65_536) throw new RangeError('sparse columns hold at most 65,536 dimensions');
    this.dimensions = dimensions;
    this.#query = new Float64Array(dimensions);
    if (expected) {
      const nonZeros = Math.ceil(expected.nonZeros * 1.05) + dimensions;
      this.#rowStart = new Int32Array(expected.rows + 1);
      this.#inverseNorms = new Float32Array(expected.rows);
      this.#dims = new Uint16Array(nonZeros);
      this.#values = new Float32Array(nonZeros);
    }
  }

  get rows(): number {
    return this.#rows;
  }

  /** Non-zero values held (once per copy). */
  get nonZeros(): number {
    return this.#rowStart[this.#rows]!;
  }

  get bytes(): number {
    return (
      this.#rowStart.byteLength +
      this.#dims.byteLength +
      this.#values.byteLength +
      this.#inverseNorms.byteLength +
      this.#columnStart.byteLength +
      this.#scales.byteLength +
      this.#seen.byteLength +
      this.#columnEnd.byteLength +
      this.#query.byteLength +
      (this.#memory?.byteLength ?? 0)
    );
  }

  /** Appends the row whose vector is values[offset, offset + dimensions). */
  add(values: Float32Array, offset: number): void {
    if (this.#finished) throw new Error('sparse columns are finished');
    const d = this.dimensions;
    const row = this.#rows;
    if (row + 2 > this.#rowStart.length) this.#rowStart = grow(this.#rowStart, row + 2);
    if (row + 1 > this.#inverseNorms.length) this.#inverseNorms = grow(this.#inverseNorms, row + 1);
    let at = this.#rowStart[row]!;
    if (at + d > this.#dims.length) {
      this.#dims = grow(this.#dims, at + d);
      this.#values = grow(this.#values, at + d);
    }
    const dims = this.#dims;
    const stored = this.#values;
    let sq = 0;
    for (let j = 0; j < d; j++) {
      const x = values[offset + j]!;
      if (x === 0) continue;
      dims[at] = j;
      stored[at++] = x;
      sq += x * x;
    }
    this.#rowStart[row + 1] = at;
    this.#inverseNorms[row] = sq > 0 ? 1 / Math.sqrt(sq) : 0;
    this.#rows = row + 1;
  }

  /** Whether the quantized columns hold every row (dense enough) or the non-zeros only. */
  get fullColumns(): boolean {
    return this.#full;
  }

  /**
   * Ends the build: the rows are quantized into columns in WebAssembly memory (full columns or
   * non-zeros by the density measured), the row arrays shrink to their contents.
   */
  finish(): this {
    if (this.#finished) return this;
    this.#finished = true;
    const n = this.#rows;
    const d = this.dimensions;
    const nnz = this.nonZeros;
    this.#rowStart = this.#rowStart.slice(0, n + 1);
    this.#dims = this.#dims.slice(0, nnz);
    this.#values = this.#values.slice(0, nnz);
    this.#inverseNorms = this.#inverseNorms.slice(0, n);
    this.#seen = new Uint8Array(n);
    const blocks = Math.ceil(n / SPARSE_BLOCK_ROWS);
    this.#blocks = blocks;
    const full = nnz >= FULL_COLUMNS_DENSITY * n * d;
    this.#full = full;
    const rowStart = this.#rowStart;
    const dims = this.#dims;
    const values = this.#values;
    // Scales, and the non-zeros of each (block, dimension).
    const scales = new Float32Array(blocks * d);
    const counts = new Int32Array(blocks * d);
    for (let b = 0; b < blocks; b++) {
      const base = b * d;
      for (
        let p = rowStart[b * SPARSE_BLOCK_ROWS]!, end = rowStart[Math.min(n, (b + 1) * SPARSE_BLOCK_ROWS)]!;
        p < end;
        p++
      ) {
        const j = base + dims[p]!;
        counts[j]!++;
        const a = Math.abs(values[p]!);
        if (a > scales[j]!) scales[j] = a;
      }
    }
    for (let j = 0; j < scales.length; j++) scales[j]! /= STEPS;
    this.#scales = scales;
    // A block's rows rounded up to the 16 of a SIMD step (the last block is short).
    const rowsOf = (b: number) => Math.ceil(Math.min(SPARSE_BLOCK_ROWS, n - b * SPARSE_BLOCK_ROWS) / 16) * 16;
    const columnStart = new Int32Array(blocks * d);
    let bytes = 0;
    for (let c = 0; c < blocks * d; c++) {
      columnStart[c] = bytes;
      // Full: every row of the block; non-zeros: an entry each, plus fillers (at most one per 255 rows).
      bytes += full ? rowsOf(Math.floor(c / d)) : 2 * (counts[c]! + Math.floor(SPARSE_BLOCK_ROWS / 255));
    }
    const dotsPtr = Math.ceil(bytes / 16) * 16;
    const total = dotsPtr + (blocks > 0 ? ((blocks - 1) * SPARSE_BLOCK_ROWS + rowsOf(blocks - 1)) * 4 : 0);
    if (total > 2 ** 31) throw new RangeError(`quantized columns of ${total} bytes exceed WebAssembly memory`);
    const { buffer, scatter, columns } = kernelMemory(total);
    this.#memory = buffer;
    this.#kernel = full ? columns : scatter;
    this.#dotsPtr = dotsPtr;
    this.#dots = new Float32Array(buffer, dotsPtr, (total - dotsPtr) / 4);
    const int8 = new Int8Array(buffer, 0, bytes);
    const int16 = new Int16Array(buffer, 0, bytes >> 1);
    // Rows in order, so each column's entries are written in row order; `next` is where its next one goes.
    const next = columnStart.slice();
    const toCode = scales.map((scale) => (scale > 0 ? 1 / scale : 0)); // multiplying: a third of this loop was division
    for (let b = 0; b < blocks; b++) {
      const base = b * d;
      const first = b * SPARSE_BLOCK_ROWS;
      const last = Math.min(n, first + SPARSE_BLOCK_ROWS);
      if (full) {
        for (let row = first; row < last; row++) {
          for (let p = rowStart[row]!, end = rowStart[row + 1]!; p < end; p++) {
            const c = base + dims[p]!;
            int8[columnStart[c]! + row - first] = Math.round(values[p]! * toCode[c]!);
          }
        }
        continue;
      }
      const previous = new Int32Array(d); // the row of each column's last entry
      for (let row = first; row < last; row++) {
        const inBlock = row - first;
        for (let p = rowStart[row]!, end = rowStart[row + 1]!; p < end; p++) {
          const j = dims[p]!;
          const c = base + j;
          let gap = inBlock - previous[j]!;
          for (; gap > 255; gap -= 255) {
            int16[next[c]! >> 1] = 255; // filler: gap 255, value 0
            next[c]! += 2;
          }
          int16[next[c]! >> 1] = (Math.round(values[p]! * toCode[c]!) << 8) | gap;
          next[c]! += 2;
          previous[j] = inBlock;
        }
      }
    }
    // Full: a column ends after its block's rows; non-zeros: where its last entry went.
    if (full) for (let c = 0; c < blocks * d; c++) next[c] = columnStart[c]! + rowsOf(Math.floor(c / d));
    this.#columnEnd = next;
    this.#columnStart = columnStart;
    return this;
  }

  /** Exact dot × inverse norm of `row` with the query in #query. */
  #exact(row: number): number {
    const dims = this.#dims;
    const values = this.#values;
    const query = this.#query;
    let dot = 0;
    for (let p = this.#rowStart[row]!, end = this.#rowStart[row + 1]!; p < end; p++)
      dot += query[dims[p]!]! * values[p]!;
    return dot * this.#inverseNorms[row]!;
  }

  search(vector: Float32Array | readonly number[], k: number, mask?: Uint8Array): { rows: number[]; scores: number[] } {
    if (!this.#finished) throw new Error('sparse columns are not finished');
    const n = this.#rows;
    const d = this.dimensions;
    const exact = new TopK(Math.min(k, n));
    if (k <= 0 || n === 0) return exact;
    const query = this.#query;
    const nonZero: number[] = [];
    let querySq = 0;
    for (let j = 0; j < d; j++) {
      const q = vector[j]!;
      query[j] = q;
      if (q === 0) continue;
      nonZero.push(j);
      querySq += q * q;
    }
    const queryInverseNorm = querySq > 0 ? 1 / Math.sqrt(querySq) : 0;

    // Approximate dots of every row, and each block's bound on their error.
    const dots = this.#dots;
    dots.fill(0);
    const kernel = this.#kernel!;
    const columnStart = this.#columnStart;
    const scales = this.#scales;
    const columnEnd = this.#columnEnd;
    // Half a step per dimension, and float32 rounding of the products and of the sum (terms ≤ STEPS steps).
    const errorPerStep = 0.5 + (nonZero.length + 2) * STEPS * FLOAT32_EPSILON;
    const blockError = new Float64Array(this.#blocks);
    for (let b = 0; b < this.#blocks; b++) {
      const base = b * d;
      const dotsPtr = this.#dotsPtr + b * SPARSE_BLOCK_ROWS * 4;
      let steps = 0;
      for (const j of nonZero) {
        const scale = scales[base + j]!;
        if (scale === 0) continue; // no non-zero of this dimension in the block
        kernel(columnStart[base + j]!, columnEnd[base + j]!, query[j]! * scale, dotsPtr);
        steps += Math.abs(query[j]!) * scale;
      }
      blockError[b] = steps * errorPerStep + 1e-12;
    }

    // The exact top k of the approximately best rows, then every row that could still beat its k-th.
    const inverseNorms = this.#inverseNorms;
    const approximate = new TopK(Math.min(n, k + 8));
    let threshold = approximate.threshold; // a local: the getter per row was most of this loop
    for (let i = 0; i < n; i++) {
      const score = dots[i]! * inverseNorms[i]!;
      if (score <= threshold || (mask && mask[i] === 0)) continue;
      approximate.insert(i, score);
      threshold = approximate.threshold;
    }
    const seen = this.#seen;
    for (const row of approximate.rows) {
      seen[row] = 1;
      exact.insert(row, this.#exact(row));
    }
    threshold = exact.threshold;
    for (let b = 0; b < this.#blocks; b++) {
      const error = blockError[b]!;
      for (let i = b * SPARSE_BLOCK_ROWS, end = Math.min(n, i + SPARSE_BLOCK_ROWS); i < end; i++) {
        if ((dots[i]! + error) * inverseNorms[i]! < threshold || seen[i] === 1 || (mask && mask[i] === 0)) continue;
        exact.insert(i, this.#exact(i));
        threshold = exact.threshold;
      }
    }
    for (const row of approximate.rows) seen[row] = 0;
    return { rows: exact.rows, scores: exact.scores.map((s) => s * queryInverseNorm) };
  }
}
