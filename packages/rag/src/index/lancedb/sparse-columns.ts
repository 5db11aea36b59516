import { type ScatterKernel, scatterMemory } from './sparse-kernel.ts';
import { TopK, type VectorLayout } from './vector-layout.ts';

/** Rows per block: each (block, dimension) has its own int8 scale (a tighter bound than one per dimension). */
export const SPARSE_BLOCK_ROWS = 8192;
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
 * chunk) held twice, both without their zeros:
 *
 * - rows (CSR: per row its dimensions, uint16, and float32 values; 6 bytes a non-zero), for exact
 *   dot products of the few rows that may be in the top k;
 * - columns quantized (per block of SPARSE_BLOCK_ROWS rows and per dimension, int8 values with the
 *   row gap in one int16; 2 bytes a non-zero) in WebAssembly memory, scanned by sparse-kernel.ts for
 *   the query's non-zero dimensions only: an approximate dot product for every row.
 *
 * A search is exact all the same: the quantization error of a row's approximate dot is at most half
 * a step per query dimension, Σ |q_j| × scale(block, j) / 2 (plus float32 rounding), so after the
 * exact top k of the best approximate rows, only rows whose approximate score plus that bound reaches
 * the k-th exact score can still belong, and each of those is scored exactly too. The result is the
 * top k by exact cosine, as DenseColumns and LanceDB's flat search rank them (ties aside).
 * Measured in resident-chunks.ts.
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
  // Columns: while building, encoded blocks accumulate here; finish() moves them to WebAssembly memory.
  #entries = new Int16Array(1 << 16);
  #entryCount = 0;
  /** Entry index where (block, dimension) starts; one more at the end. */
  #columnStart = new Int32Array(1025);
  #scales = new Float32Array(1024);
  #blocks = 0;
  #finished = false;
  #memory: ArrayBuffer | undefined;
  #kernel: ScatterKernel | undefined;
  #dots = new Float32Array(0);
  #dotsPtr = 0;
  #seen = new Uint8Array(0);
  readonly #query: Float64Array;

  constructor(dimensions: number) {
    if (dimensions > 65_536) throw new RangeError('sparse columns hold at most 65,536 dimensions');
    this.dimensions = dimensions;
    this.#query = new Float64Array(dimensions);
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
      this.#query.byteLength +
      (this.#memory?.byteLength ?? this.#entries.byteLength)
    );
  }

  /** Appends the row whose vector is values[offset, offset + dimensions). */
  add(values: Float32Array, offset: number): void {
    if (this.#finished) throw new Error('sparse columns are finished');
    const d = this.dimensions;
    const row = this.#rows;
    let at = this.#rowStart[row]!;
    this.#dims = grow(this.#dims, at + d);
    this.#values = grow(this.#values, at + d);
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
    this.#rowStart = grow(this.#rowStart, row + 2);
    this.#rowStart[row + 1] = at;
    this.#inverseNorms = grow(this.#inverseNorms, row + 1);
    this.#inverseNorms[row] = sq > 0 ? 1 / Math.sqrt(sq) : 0;
    this.#rows = row + 1;
    if (this.#rows % SPARSE_BLOCK_ROWS === 0) this.#encodeBlock();
  }

  /** Encodes the rows of the block being filled into column entries. */
  #encodeBlock(): void {
    const d = this.dimensions;
    const lo = this.#blocks * SPARSE_BLOCK_ROWS;
    const hi = this.#rows;
    if (hi <= lo) return;
    const rowStart = this.#rowStart;
    const dims = this.#dims;
    const values = this.#values;
    const first = rowStart[lo]!;
    const count = new Int32Array(d + 1);
    const max = new Float32Array(d);
    for (let p = first; p < rowStart[hi]!; p++) {
      const j = dims[p]!;
      count[j + 1]!++;
      const a = Math.abs(values[p]!);
      if (a > max[j]!) max[j] = a;
    }
    for (let j = 0; j < d; j++) count[j + 1]! += count[j]!; // now the start of each dimension
    const fill = count.slice(0, d);
    const rowOf = new Uint16Array(rowStart[hi]! - first);
    const quantized = new Int8Array(rowOf.length);
    const base = this.#blocks * d;
    this.#scales = grow(this.#scales, base + d);
    const scales = this.#scales;
    for (let j = 0; j < d; j++) scales[base + j] = max[j]! / STEPS;
    for (let r = lo; r < hi; r++) {
      for (let p = rowStart[r]!; p < rowStart[r + 1]!; p++) {
        const j = dims[p]!;
        const at = fill[j]!++;
        rowOf[at] = r - lo;
        quantized[at] = Math.round(values[p]! / scales[base + j]!);
      }
    }
    // Entries: at most one a value plus one filler per 255 rows skipped, per dimension.
    this.#entries = grow(this.#entries, this.#entryCount + rowOf.length + d * Math.ceil(SPARSE_BLOCK_ROWS / 255));
    this.#columnStart = grow(this.#columnStart, base + d + 1);
    const entries = this.#entries;
    let e = this.#entryCount;
    for (let j = 0; j < d; j++) {
      this.#columnStart[base + j] = e;
      let previous = 0;
      for (let at = count[j]!; at < count[j + 1]!; at++) {
        let gap = rowOf[at]! - previous;
        for (; gap > 255; gap -= 255) entries[e++] = 255; // filler: gap 255, value 0
        entries[e++] = (quantized[at]! << 8) | gap;
        previous = rowOf[at]!;
      }
    }
    this.#entryCount = e;
    this.#blocks++;
    this.#columnStart[this.#blocks * d] = e;
  }

  /** Ends the build: column entries move to WebAssembly memory, arrays shrink to their contents. */
  finish(): this {
    if (this.#finished) return this;
    this.#encodeBlock();
    this.#finished = true;
    const n = this.#rows;
    const nnz = this.nonZeros;
    const entryBytes = Math.ceil((this.#entryCount * 2) / 8) * 8;
    const total = entryBytes + n * 4;
    if (total > 2 ** 31) throw new RangeError(`sparse columns of ${total} bytes exceed WebAssembly memory`);
    const { buffer, scatter } = scatterMemory(total);
    new Int16Array(buffer, 0, this.#entryCount).set(this.#entries.subarray(0, this.#entryCount));
    this.#entries = new Int16Array(0);
    this.#memory = buffer;
    this.#kernel = scatter;
    this.#dotsPtr = entryBytes;
    this.#dots = new Float32Array(buffer, entryBytes, n);
    this.#rowStart = this.#rowStart.slice(0, n + 1);
    this.#dims = this.#dims.slice(0, nnz);
    this.#values = this.#values.slice(0, nnz);
    this.#inverseNorms = this.#inverseNorms.slice(0, n);
    this.#columnStart = this.#columnStart.slice(0, this.#blocks * this.dimensions + 1);
    this.#scales = this.#scales.slice(0, this.#blocks * this.dimensions);
    this.#seen = new Uint8Array(n);
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
    // Half a step per dimension, and float32 rounding of the products and of the sum (terms ≤ STEPS steps).
    const errorPerStep = 0.5 + (nonZero.length + 2) * STEPS * FLOAT32_EPSILON;
    const blockError = new Float64Array(this.#blocks);
    for (let b = 0; b < this.#blocks; b++) {
      const base = b * d;
      const dotsPtr = this.#dotsPtr + b * SPARSE_BLOCK_ROWS * 4;
      let steps = 0;
      for (const j of nonZero) {
        const start = columnStart[base + j]!;
        const end = columnStart[base + j + 1]!;
        if (start === end) continue;
        const scale = scales[base + j]!;
        kernel(start * 2, end * 2, query[j]! * scale, dotsPtr);
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
