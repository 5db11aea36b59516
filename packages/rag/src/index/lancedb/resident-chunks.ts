import { totalmem } from 'node:os';
import type * as lancedb from '@lancedb/lancedb';
import type { RecordBatch } from 'apache-arrow';
import { Bm25Index } from '../../search/bm25-index.ts';
import { supportsFtsConfig } from '../../search/fts-analyzer.ts';
import { RETRIEVAL_DEFAULTS } from '../../search/retrieval-defaults.ts';
import type { IndexHit, SearchFilter } from '../vector-index.ts';
import { ANN_CONFIG } from './ann-config.ts';
import { arrow, HIT_COLUMNS, type HitColumns, hitAt, hitColumns } from './chunk-arrow.ts';
import { DenseColumns } from './dense-columns.ts';
import { FULL_COLUMNS_DENSITY, SparseColumns } from './sparse-columns.ts';
import type { VectorLayout } from './vector-layout.ts';

/**
 * When a pinned (checked-out, immutable) table version is served from memory, and how. Its vectors
 * are held in a layout chosen from their density, measured on a sample of rows before loading:
 *
 * - dense dimension-major columns (dense-columns.ts) below `denseRowsBelow` rows, whatever the
 *   density (their SIMD scan is the faster one there, and they take at most 80 MB at 20k × 1024);
 * - sparse columns (sparse-columns.ts) from there on, at most `sparseMaxDensity` non-zero, as
 *   feature-hashed vectors are (43% of 1024 dimensions for bench:index's 600-character chunks; a
 *   hash query has 50–70): exact top k at any row count within `maxTotalBytes`, where it replaces
 *   LanceDB's approximate search. Denser (model) vectors past the row bound stay with LanceDB.
 *
 * The old single rule, rows below ANN_CONFIG.minRows, tied residency to where LanceDB has no ANN
 * index. What it stood for is a query's cost: a dense scan costs rows × the query's non-zero
 * dimensions, all of them for a dense embedder (at 20k rows 9.6 ms at 1024 dimensions and 2.0 ms
 * at 384 with the SIMD kernel, 25 ms and 10 ms in the JavaScript loop before it; growing with rows
 * where LanceDB's ANN does not), so that rule stays for dense vectors; a sparse scan costs ~2 ns a row at 100k, faster than
 * LanceDB's ANN at every size that fits, so there the bound is bytes alone.
 * Measured on this 2-core machine (shared with other benches), k 10 or 50:
 *
 *   rows × dims            layout  resident memory  load (once)  resident search          LanceDB
 *   1,339 × 1024 (docs)    dense   7.9 MB           95 ms        0.3–0.7 ms (hash)        8.5–15 ms flat
 *   20,000 × 1024          dense   113 MB           0.86 s       1.35 ms (hash)           201 ms flat
 *                                                                9.6 ms (dense query)     187 ms flat
 *   100,000 × 1024 (hash)  sparse  517 MB           3.7–4.9 s    2.1 ms p50, 2.0 ms CPU   22 ms ANN p50
 *                                                                recall@10 1.000          (0.98)
 *   200,000 × 1024 (hash)  sparse  1,034 MB         15 s         3.6 ms p50, 4.2 ms CPU   36 ms ANN p50
 *                                                                recall@10 1.000          (0.96)
 *
 * (bench:index, load 5.8 for both search rows; 100k memory is 265 MB of rows, 109 MB of int8
 * columns and 142 MB of hit columns; the load is one LanceDB scan plus quantizing, paid by the
 * first query of a version, on the main thread in turns of at most ~90 ms at 100k, load 6.) The hit columns are
 * copied out of LanceDB's batches: those are views into one IPC message per batch, vectors
 * included, so keeping a column as it came kept every vector too (RSS grew 171 MB for the 113 MB
 * counted at 20k). Full-text search of a resident version is in memory too (search/bm25-index.ts,
 * built on the first text query): its postings are ~8 bytes per distinct term of a chunk, 0.85 MB
 * for the 1,339 chunks (built in 0.7 s at load 19; a 50-hit query then 0.04 ms median vs ~4.5 ms
 * through LanceDB), so ~13 MB at 20,000 chunks of 1,000 characters. `maxTotalBytes` bounds the sum
 * over the resident versions of a process, text indexes included; past it a version (or its text
 * search) goes through LanceDB as before. Unpinned tables and one-shot processes (a CLI query) are
 * never resident: a 100k load costs more than a thousand ANN queries.
 */
export const RESIDENT_CONFIG = {
  /**
   * Versions whose vectors have at most this fraction of non-zero values are held as sparse columns,
   * at any row count the byte bound allows. Hash-embedded chunks of bench:index's vocabulary are
   * 0.13 non-zero at 130 characters, 0.43 at 600, 0.59 at 1,000 (the default chunk) and 0.74 at
   * 1,700; model embeddings are 1.0. Memory is 6 bytes a non-zero plus an int8 byte per row and
   * dimension: at 0.85, 1.5× the dense layout's 4 bytes (the scan's cost is the query's, not this).
   */
  sparseMaxDensity: 0.85,
  /**
   * Dense vectors are resident below this many rows: past it LanceDB has an ANN index, and an exact
   * scan of a dense query (every dimension × every row) is slower than its ANN search.
   */
  denseRowsBelow: ANN_CONFIG.minRows,
  /**
   * Bound on the bytes of every resident version of a process, text indexes included: 1.5 GiB, at
   * most 1/8 of RAM (a 200k hash version is 1.03 GB in bench:index; its text index ~0.13 GB by the
   * postings estimate above).
   */
  maxTotalBytes: Math.min(1.5 * 2 ** 30, Math.floor(totalmem() / 8)),
  /**
   * A version with fewer rows is waited for on its first query (it loads in under a second: 0.86 s
   * at 20k × 1024), so even that query is answered from memory. A larger one loads in the
   * background and LanceDB answers (its ANN and FTS indexes) until the copy is in: a 100k version
   * takes 3.5–4.9 s to load, 200k 15 s, which a first request after an alias move should not wait.
   */
  waitBelowRows: ANN_CONFIG.minRows,
};

/** Rows read to measure a version's density before it is loaded. */
const SAMPLE_ROWS = 256;

/**
 * The layout of a version and its estimated bytes (vectors only), from the density of its first
 * rows; undefined when it is not to be resident.
 */
async function planLayout(
  table: lancedb.Table,
  rows: number,
  dimensions: number,
): Promise<{ kind: 'dense'; estimate: number } | { kind: 'sparse'; estimate: number; density: number } | undefined> {
  if (rows === 0) return undefined;
  // Below the dense row bound the dense layout is resident whatever the density: its SIMD scan is
  // the faster one there (1,339 hashed chunks, k 50: ~135 µs vs ~175 µs a vector query through
  // queryIndex, load 4.5) and at most rows × dims × 4 bytes (80 MB at 20k × 1024; hashed 1,000-
  // character chunks, 0.59 non-zero, take more as sparse columns). No sample needed.
  if (rows < RESIDENT_CONFIG.denseRowsBelow) return { kind: 'dense', estimate: rows * dimensions * 4 };
  const sample = await table.query().select(['vector']).limit(SAMPLE_ROWS).toArrow();
  let nonZero = 0;
  for (const data of sample.getChild('vector')!.data) {
    const values = data.children[0]!.values as Float32Array;
    for (let i = data.offset * dimensions, end = (data.offset + data.length) * dimensions; i < end; i++) {
      if (values[i] !== 0) nonZero++;
    }
  }
  const density = nonZero / Math.max(1, sample.numRows * dimensions);
  if (density <= RESIDENT_CONFIG.sparseMaxDensity) {
    // Rows: 6 bytes a non-zero; quantized columns: a byte a row and dimension, or 2 a non-zero.
    const quantized = density >= FULL_COLUMNS_DENSITY ? dimensions : density * dimensions * 2;
    return { kind: 'sparse', estimate: rows * (density * dimensions * 6 + quantized + 16), density };
  }
  return undefined;
}

let residentBytes = 0;
/** Decoded hits kept per resident version (about 2× a chunk's text each). */
const HIT_CACHE_MAX = 4096;

const residentLayouts = { dense: 0, sparse: 0 };

/** Bytes held by resident versions in this process (for tests and diagnostics). */
export function residentChunkBytes(): number {
  return residentBytes;
}

/** Resident versions in this process by vector layout (for tests, diagnostics and bench:index). */
export function residentVersions(): Readonly<Record<VectorLayout['kind'], number>> {
  return { ...residentLayouts };
}

/**
 * One table version in memory: its vectors in a VectorLayout (an exact cosine top k, as LanceDB's
 * flat search ranks) and the hit columns as Arrow buffers, turned into hits only for the rows
 * returned.
 */
export class ResidentChunks {
  readonly rows: number;
  readonly dimensions: number;
  readonly bytes: number;
  readonly #vectors: VectorLayout;
  readonly #columns: HitColumns;
  /** LanceDB row id (fragment << 32 | offset, stable within a version) → resident row. */
  readonly #rowOfRowId = new Map<bigint, number>();
  readonly #masks = new Map<string, Uint8Array>();
  /** Decoded hits by row (oldest dropped past HIT_CACHE_MAX): decoding UTF-8 and JSON per hit was 26% of a serving request. */
  readonly #hits = new Map<number, IndexHit>();
  /** The in-memory BM25 index: undefined until the first text search, null when it does not fit. */
  #text: Promise<Bm25Index | null> | undefined;
  /** The built text index (null: none) once #text has settled. */
  #textReady: Bm25Index | null | undefined;
  #textBytes = 0;
  #released = false;

  /** Loads the table's checked-out version, or returns undefined when it is over the limits. */
  static async load(table: lancedb.Table, dimensions: number): Promise<ResidentChunks | undefined> {
    const rows = await table.countRows();
    const plan = await planLayout(table, rows, dimensions);
    if (!plan || residentBytes + plan.estimate > RESIDENT_CONFIG.maxTotalBytes) return undefined;
    const vectors =
      plan.kind === 'sparse'
        ? new SparseColumns(dimensions, { rows, nonZeros: plan.density * rows * dimensions })
        : new DenseColumns(rows, dimensions);
    // Batch by batch: the vectors go into the layout and only the hit columns are kept, so the
    // whole table's Arrow vectors (4 bytes × dims a row) are never held at once.
    const kept: RecordBatch[] = [];
    let columnBytes = 0;
    let read = 0;
    for await (const batch of table
      .query()
      .select([...HIT_COLUMNS, 'vector'])
      .withRowId()) {
      for (const data of batch.getChild('vector')!.data) {
        const values = data.children[0]!.values as Float32Array;
        for (let r = 0; r < data.length; r++) vectors.add(values, (data.offset + r) * dimensions);
      }
      read += batch.numRows;
      // LanceDB's batches are views into one IPC message, vectors included: a column kept as it comes
      // keeps the whole message. A copy of the hit columns in a message of their own frees it.
      const keep = [...HIT_COLUMNS, '_rowid'].map((name) => batch.schema.fields.findIndex((f) => f.name === name));
      // selectAt: select() by name gave a column of nulls for _rowid (apache-arrow 18.1).
      const own = arrow.tableToIPC(new arrow.Table([batch.selectAt(keep)]));
      columnBytes += own.buffer.byteLength;
      kept.push(...arrow.tableFromIPC(own).batches);
    }
    if (read !== rows) return undefined; // not the version counted: leave it to LanceDB
    if (vectors instanceof SparseColumns) vectors.finish();
    const resident = new ResidentChunks(kept, vectors, dimensions, columnBytes);
    if (residentBytes + resident.bytes > RESIDENT_CONFIG.maxTotalBytes) return undefined;
    residentBytes += resident.bytes;
    residentLayouts[resident.layout]++;
    return resident;
  }

  private constructor(batches: RecordBatch[], vectors: VectorLayout, dimensions: number, columnBytes: number) {
    this.rows = vectors.rows;
    this.dimensions = dimensions;
    this.#vectors = vectors;
    const data = new arrow.Table(batches);
    this.#columns = hitColumns(data);
    const rowIds = data.getChild('_rowid')!;
    for (let i = 0; i < this.rows; i++) this.#rowOfRowId.set(BigInt(rowIds.get(i) as bigint), i);
    this.bytes = vectors.bytes + columnBytes;
  }

  /** How this version's vectors are held: 'dense' or 'sparse' (diagnostics, tests and bench). */
  get layout(): VectorLayout['kind'] {
    return this.#vectors.kind;
  }

  /**
   * The k rows most cosine-similar to `vector`, best first, scored with the similarity (1 − LanceDB's
   * cosine distance). Exact: every row (that passes `filter`) is compared.
   */
  search(vector: Float32Array | readonly number[], k: number, filter?: SearchFilter): IndexHit[] {
    if (vector.length !== this.dimensions) {
      throw new Error(`query vector has ${vector.length} dimensions, the index has ${this.dimensions}`);
    }
    const { rows, scores } = this.#vectors.search(vector, k, filter && this.#mask(filter));
    return rows.map((row, i) => this.#hit(row, scores[i]!));
  }

  /**
   * The k best rows for a full-text query, as LanceDB's FTS index over `index_text` would rank and
   * score them (search/bm25-index.ts); undefined when this version's text search must go through
   * LanceDB (the analysis is not one we replicate, or the text index would pass the memory bound).
   */
  async searchText(
    text: string,
    k: number,
    filter?: SearchFilter,
    options: { wait?: boolean } = {},
  ): Promise<IndexHit[] | undefined> {
    const building = this.#textIndex();
    // Not waiting (a large version, see RESIDENT_CONFIG.waitBelowRows): LanceDB ranks until it is built.
    if (options.wait === false && this.#textReady === undefined) return undefined;
    const index = await building;
    if (!index) return undefined;
    const { rows, scores } = index.search(text, k, filter && this.#mask(filter));
    return rows.map((row, i) => this.#hit(row, scores[i]!));
  }

  /** Built once, on the first text query; concurrent first queries wait for the same build. */
  #textIndex(): Promise<Bm25Index | null> {
    if (this.#text) return this.#text;
    if (this.#released || !supportsFtsConfig(RETRIEVAL_DEFAULTS.fts)) return Promise.resolve(null);
    const texts = this.#columns.index_text;
    this.#text = Bm25Index.build({ length: this.rows, at: (i) => texts.get(i) as string }, RETRIEVAL_DEFAULTS.fts).then(
      (index) => {
        if (this.#released || residentBytes + index.bytes > RESIDENT_CONFIG.maxTotalBytes) {
          this.#textReady = null;
          return null;
        }
        residentBytes += index.bytes;
        this.#textBytes = index.bytes;
        this.#textReady = index;
        return index;
      },
      () => {
        this.#textReady = null;
        return null;
      },
    );
    return this.#text;
  }

  /**
   * The hit of a LanceDB row id, for rows found elsewhere (full-text search): asking LanceDB for row
   * ids alone instead of chunk ids saves ~0.8 ms of its 4 ms per query here.
   */
  hitOfRowId(rowId: bigint, score: number): IndexHit | undefined {
    const row = this.#rowOfRowId.get(rowId);
    return row === undefined ? undefined : this.#hit(row, score);
  }

  /**
   * Row `row` as a hit with `score`: a fresh object each time (callers may keep it or change its
   * fields), whose headingPath and metadata are the row's own, frozen (a hybrid query makes ~100 hits:
   * copying those two of each was a third of the hits' cost).
   */
  #hit(row: number, score: number): IndexHit {
    let hit = this.#hits.get(row);
    if (!hit) {
      hit = hitAt(this.#columns, row, 0);
      // Shared by every hit of the row: frozen, so a caller that changed one would throw, not corrupt.
      Object.freeze(hit.headingPath);
      Object.freeze(hit.metadata);
      this.#hits.set(row, hit);
      if (this.#hits.size > HIT_CACHE_MAX) this.#hits.delete(this.#hits.keys().next().value!);
    }
    return { ...hit, score };
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    residentBytes -= this.bytes + this.#textBytes;
    residentLayouts[this.layout]--;
    this.#textBytes = 0;
  }

  /** Rows passing a filter, with the semantics of toSqlFilter (metadata matched in its JSON text). */
  #mask(filter: SearchFilter): Uint8Array {
    const key = JSON.stringify([filter.documentIds ?? null, filter.metadata ?? null]);
    const cached = this.#masks.get(key);
    if (cached) return cached;
    const ids = filter.documentIds && new Set(filter.documentIds);
    const pairs = Object.entries(filter.metadata ?? {}).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    const mask = new Uint8Array(this.rows);
    for (let i = 0; i < this.rows; i++) {
      if (ids && !ids.has(this.#columns.doc_id.get(i) as string)) continue;
      const metadata = pairs.length > 0 ? (this.#columns.metadata.get(i) as string) : '';
      if (pairs.every((p) => metadata.includes(`${p},`) || metadata.endsWith(`${p}}`))) mask[i] = 1;
    }
    this.#masks.set(key, mask);
    if (this.#masks.size > 16) this.#masks.delete(this.#masks.keys().next().value!);
    return mask;
  }
}
