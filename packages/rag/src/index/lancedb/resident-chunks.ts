import type * as lancedb from '@lancedb/lancedb';
import { Bm25Index } from '../../search/bm25-index.ts';
import { supportsFtsConfig } from '../../search/fts-analyzer.ts';
import { RETRIEVAL_DEFAULTS } from '../../search/retrieval-defaults.ts';
import type { IndexHit, SearchFilter } from '../vector-index.ts';
import { ANN_CONFIG } from './ann-config.ts';
import { HIT_COLUMNS, type HitColumns, hitAt, hitColumns } from './chunk-arrow.ts';

/**
 * When a pinned (checked-out, immutable) table version is served from memory: below
 * ANN_CONFIG.minRows, where LanceDB has no ANN index and scans every vector anyway, so memory replaces
 * exactly the flat scans and ANN search stays LanceDB's. Vectors are stored dimension-major, so a
 * query touches only its non-zero dimensions (hash-embedder queries have a few dozen to ~200).
 * Measured on this 2-core machine (shared, load 2.5–4), 50 hits:
 *
 *   rows × dims          resident memory  load (once)  resident search        LanceDB flat cosine
 *   1,339 × 1024 (docs)  7.9 MB           95 ms        0.3–0.7 ms (hash)      8.5–15 ms
 *   20,000 × 1024        113 MB           0.86 s       1.35 ms (hash)         201 ms
 *                                                      61 ms (dense query)    187 ms
 *
 * (memory: vectors 4 bytes × dims per row, plus the Arrow buffers of the hit columns; RSS grew
 * 34 MB and 171 MB while loading.) Full-text search of a resident version is in memory too
 * (search/bm25-index.ts, built on the first text query): its postings are ~8 bytes per distinct
 * term of a chunk, 0.85 MB for the 1,339 chunks (built in 0.7 s at load 19; a 50-hit query then
 * 0.04 ms median vs ~4.5 ms through LanceDB), so ~13 MB at 20,000 chunks of 1,000 characters.
 * `maxTotalBytes` bounds the sum over the resident versions of a process, text indexes included;
 * past it a version (or its text search) goes through LanceDB as before.
 */
export const RESIDENT_CONFIG = {
  /** Tables with fewer rows are resident. */
  rowsBelow: ANN_CONFIG.minRows,
  maxTotalBytes: 512 * 1024 * 1024,
};

let residentBytes = 0;
/** Decoded hits kept per resident version (about 2× a chunk's text each). */
const HIT_CACHE_MAX = 4096;

/** Bytes held by resident versions in this process (for tests and diagnostics). */
export function residentChunkBytes(): number {
  return residentBytes;
}

/**
 * One table version in memory: vectors dimension-major (column j of every row contiguous) with each
 * row's inverse norm, so a search is an exact cosine scan identical to LanceDB's flat search; and the
 * hit columns as Arrow buffers, turned into hits only for the rows returned.
 */
export class ResidentChunks {
  readonly rows: number;
  readonly dimensions: number;
  readonly bytes: number;
  readonly #byDimension: Float32Array;
  readonly #inverseNorms: Float32Array;
  readonly #dots: Float64Array;
  readonly #columns: HitColumns;
  /** LanceDB row id (fragment << 32 | offset, stable within a version) → resident row. */
  readonly #rowOfRowId = new Map<bigint, number>();
  readonly #masks = new Map<string, Uint8Array>();
  /** Decoded hits by row (oldest dropped past HIT_CACHE_MAX): decoding UTF-8 and JSON per hit was 26% of a serving request. */
  readonly #hits = new Map<number, IndexHit>();
  /** The in-memory BM25 index: undefined until the first text search, null when it does not fit. */
  #text: Promise<Bm25Index | null> | undefined;
  #textBytes = 0;
  #released = false;

  /** Loads the table's checked-out version, or returns undefined when it is over the limits. */
  static async load(table: lancedb.Table, dimensions: number): Promise<ResidentChunks | undefined> {
    const rows = await table.countRows();
    const estimate = rows * dimensions * 4;
    if (rows >= RESIDENT_CONFIG.rowsBelow || residentBytes + estimate > RESIDENT_CONFIG.maxTotalBytes) return undefined;
    const data = await table
      .query()
      .select([...HIT_COLUMNS, 'vector'])
      .withRowId()
      .toArrow();
    const resident = new ResidentChunks(data, dimensions);
    if (residentBytes + resident.bytes > RESIDENT_CONFIG.maxTotalBytes) return undefined;
    residentBytes += resident.bytes;
    return resident;
  }

  private constructor(data: Awaited<ReturnType<ReturnType<lancedb.Table['query']>['toArrow']>>, dimensions: number) {
    const n = data.numRows;
    this.rows = n;
    this.dimensions = dimensions;
    this.#columns = hitColumns(data);
    const byDimension = new Float32Array(n * dimensions);
    const inverseNorms = new Float32Array(n);
    let row = 0;
    for (const batch of data.getChild('vector')!.data) {
      const values = batch.children[0]!.values as Float32Array;
      for (let r = 0; r < batch.length; r++, row++) {
        const base = (batch.offset + r) * dimensions;
        let sq = 0;
        for (let j = 0; j < dimensions; j++) {
          const x = values[base + j]!;
          byDimension[j * n + row] = x;
          sq += x * x;
        }
        inverseNorms[row] = sq > 0 ? 1 / Math.sqrt(sq) : 0;
      }
    }
    this.#byDimension = byDimension;
    this.#inverseNorms = inverseNorms;
    this.#dots = new Float64Array(n);
    const rowIds = data.getChild('_rowid')!;
    for (let i = 0; i < n; i++) this.#rowOfRowId.set(BigInt(rowIds.get(i) as bigint), i);
    let columnBytes = 0;
    for (const name of HIT_COLUMNS) for (const d of data.getChild(name)!.data) columnBytes += d.byteLength;
    this.bytes = byDimension.byteLength + inverseNorms.byteLength + columnBytes;
  }

  /**
   * The k rows most cosine-similar to `vector`, best first, scored with the similarity (1 − LanceDB's
   * cosine distance). Exact: every row (that passes `filter`) is compared.
   */
  search(vector: Float32Array | readonly number[], k: number, filter?: SearchFilter): IndexHit[] {
    const n = this.rows;
    if (vector.length !== this.dimensions) {
      throw new Error(`query vector has ${vector.length} dimensions, the index has ${this.dimensions}`);
    }
    // Locals, not private fields, in the loops; one scratch buffer (a search never yields midway).
    const byDimension = this.#byDimension;
    const inverseNorms = this.#inverseNorms;
    const dots = this.#dots;
    dots.fill(0);
    let querySq = 0;
    for (let j = 0; j < vector.length; j++) {
      const q = vector[j]!;
      if (q === 0) continue;
      querySq += q * q;
      for (let i = 0, at = j * n; i < n; i++, at++) dots[i]! += q * byDimension[at]!;
    }
    const queryInverseNorm = querySq > 0 ? 1 / Math.sqrt(querySq) : 0;
    const mask = filter && this.#mask(filter);
    // Top k by insertion into a short sorted list: most rows fail the first comparison.
    const top: number[] = [];
    const topScores: number[] = [];
    for (let i = 0; i < n; i++) {
      if (mask && mask[i] === 0) continue;
      const score = dots[i]! * inverseNorms[i]! * queryInverseNorm;
      if (top.length === k && score <= topScores[k - 1]!) continue;
      let at = top.length === k ? k - 1 : top.length;
      while (at > 0 && topScores[at - 1]! < score) {
        top[at] = top[at - 1]!;
        topScores[at] = topScores[at - 1]!;
        at--;
      }
      top[at] = i;
      topScores[at] = score;
    }
    return top.map((row, i) => this.#hit(row, topScores[i]!));
  }

  /**
   * The k best rows for a full-text query, as LanceDB's FTS index over `index_text` would rank and
   * score them (search/bm25-index.ts); undefined when this version's text search must go through
   * LanceDB (the analysis is not one we replicate, or the text index would pass the memory bound).
   */
  async searchText(text: string, k: number, filter?: SearchFilter): Promise<IndexHit[] | undefined> {
    const index = await this.#textIndex();
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
        if (this.#released || residentBytes + index.bytes > RESIDENT_CONFIG.maxTotalBytes) return null;
        residentBytes += index.bytes;
        this.#textBytes = index.bytes;
        return index;
      },
      () => null,
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

  /** Row `row` as a hit with `score`; a fresh object each time (callers may keep or change it). */
  #hit(row: number, score: number): IndexHit {
    let hit = this.#hits.get(row);
    if (!hit) {
      hit = hitAt(this.#columns, row, 0);
      this.#hits.set(row, hit);
      if (this.#hits.size > HIT_CACHE_MAX) this.#hits.delete(this.#hits.keys().next().value!);
    }
    return { ...hit, headingPath: [...hit.headingPath], metadata: { ...hit.metadata }, score };
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    residentBytes -= this.bytes + this.#textBytes;
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
