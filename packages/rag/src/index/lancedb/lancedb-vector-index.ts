import * as lancedb from '@lancedb/lancedb';
import { NotFoundError } from '@ragops/core';
import type {
  ChunkRow,
  IndexHit,
  IndexRefresh,
  OptimizeResult,
  SearchFilter,
  TableVersion,
  VectorIndex,
  VectorSearchOptions,
} from '../vector-index.ts';
import { ANN_CONFIG } from './ann-config.ts';
import { arrow, checkChunkSchema, HIT_COLUMNS, hitAt, hitColumns, hitsFromArrow, rowsToArrow } from './chunk-arrow.ts';
import { refreshIndexes } from './refresh-indexes.ts';
import { RESIDENT_CONFIG, ResidentChunks } from './resident-chunks.ts';
import { quoteSql, toSqlFilter } from './sql-filter.ts';

const TABLE = 'chunks';

/**
 * Opens the chunk table stored under `uri` (a folder). The table is created by the first `add`.
 * `resident: false` never loads a checked-out version into memory (resident-chunks.ts): a one-shot
 * process (a CLI query) would pay the whole table's read and decode for one search.
 * @example
 * const index = await openVectorIndex({ uri: '/tmp/home/indexes/dev.docs.kb/lance' });
 */
export async function openVectorIndex(options: { uri: string; resident?: boolean }): Promise<VectorIndex> {
  const db = await lancedb.connect(options.uri);
  const names = await db.tableNames();
  const table = names.includes(TABLE) ? await db.openTable(TABLE) : undefined;
  const dimensions = table ? await vectorDimensions(table) : undefined;
  return new LanceVectorIndex(db, table, dimensions, options.resident ?? true);
}

async function vectorDimensions(table: lancedb.Table): Promise<number> {
  const schema = await table.schema();
  checkChunkSchema(schema); // once per open/checkout, so that reads need no per-row parse
  const field = schema.fields.find((f) => f.name === 'vector');
  if (!field || !(field.type instanceof arrow.FixedSizeList)) throw new Error('chunk table has no vector column');
  return field.type.listSize;
}

class LanceVectorIndex implements VectorIndex {
  readonly #db: lancedb.Connection;
  #table: lancedb.Table | undefined;
  #dimensions: number | undefined;
  /** A checked-out version is immutable: searched from memory when small (resident-chunks.ts). */
  #resident: Promise<ResidentChunks | undefined> | undefined;
  /** What #resident resolved to, once it has (see #servingCopy). */
  #residentLoaded: { copy: ResidentChunks | undefined } | undefined;
  #pinned = false;
  /** Rows of the checked-out version (read at checkout from the manifest). */
  #pinnedRows = 0;
  readonly #residentAllowed: boolean;

  constructor(
    db: lancedb.Connection,
    table: lancedb.Table | undefined,
    dimensions: number | undefined,
    residentAllowed: boolean,
  ) {
    this.#db = db;
    this.#table = table;
    this.#dimensions = dimensions;
    this.#residentAllowed = residentAllowed;
  }

  get dimensions(): number | undefined {
    return this.#dimensions;
  }

  #requireTable(): lancedb.Table {
    if (!this.#table) throw new NotFoundError('The index has no chunk table yet: build it first.');
    return this.#table;
  }

  async add(rows: readonly ChunkRow[], options: { overwrite?: boolean } = {}): Promise<void> {
    const dims = options.overwrite || !this.#dimensions ? rows[0]?.vector.length : this.#dimensions;
    if (dims === undefined) {
      if (options.overwrite && this.#table && this.#dimensions) {
        await this.#table.add(rowsToArrow([], this.#dimensions), { mode: 'overwrite' });
      }
      return;
    }
    const data = rowsToArrow(rows, dims);
    if (!this.#table) {
      this.#table = await this.#db.createTable(TABLE, data);
    } else {
      // Overwrite is a Lance commit like any other: older versions stay readable until cleanup.
      await this.#table.add(data, { mode: options.overwrite ? 'overwrite' : 'append' });
    }
    this.#dimensions = dims;
  }

  async deleteByDocumentIds(documentIds: readonly string[]): Promise<number> {
    if (!this.#table || documentIds.length === 0) return 0;
    // Unfiltered countRows reads only the manifest; a filtered one would scan the table.
    const before = await this.#table.countRows();
    // Bounded IN lists keep the predicate small; each slice is one commit.
    for (let i = 0; i < documentIds.length; i += 5000) {
      const slice = documentIds.slice(i, i + 5000);
      await this.#table.delete(`doc_id IN (${slice.map(quoteSql).join(', ')})`);
    }
    return before - (await this.#table.countRows());
  }

  async touch(): Promise<void> {
    // Deleting nothing is the cheapest commit Lance offers: a new version, same content.
    await this.#requireTable().delete("chunk_id = '' AND chunk_id <> ''");
  }

  async countRows(filter?: SearchFilter): Promise<number> {
    if (!this.#table) return 0;
    return this.#table.countRows(toSqlFilter(filter));
  }

  /** The resident copy of the checked-out version, loaded on first use; undefined when not pinned or too big. */
  #residentChunks(): Promise<ResidentChunks | undefined> {
    if (!this.#residentAllowed || !this.#pinned || !this.#table || !this.#dimensions) return Promise.resolve(undefined);
    if (!this.#resident) {
      const loading = ResidentChunks.load(this.#table, this.#dimensions);
      this.#resident = loading;
      loading.then(
        (copy) => {
          if (this.#resident === loading) this.#residentLoaded = { copy };
        },
        () => {
          if (this.#resident === loading) this.#resident = undefined;
        },
      );
    }
    return this.#resident;
  }

  /** Waits for the resident copy of a small version; a large one answers from LanceDB while it loads. */
  #waitsForCopy(): boolean {
    return this.#pinnedRows < RESIDENT_CONFIG.waitBelowRows;
  }

  /**
   * The resident copy to answer from now: loaded (or, for a small version, awaited) on first use;
   * undefined while a large version still loads in the background (RESIDENT_CONFIG.waitBelowRows).
   */
  async #servingCopy(): Promise<ResidentChunks | undefined> {
    const loading = this.#residentChunks();
    if (this.#residentLoaded) return this.#residentLoaded.copy;
    return this.#waitsForCopy() ? loading : undefined;
  }

  async searchVector(vector: Float32Array | readonly number[], options: VectorSearchOptions): Promise<IndexHit[]> {
    if (!this.#table) return [];
    // `exact` keeps LanceDB's own flat search: it is the reference recall is measured against.
    const resident = options.exact ? undefined : await this.#servingCopy();
    if (resident) return resident.search(vector, options.k, options.filter);
    // Cosine, as the ANN index is built with (createOrRefreshIndexes): a query must use its index's metric.
    let q = this.#table
      .vectorSearch(Array.from(vector))
      .distanceType('cosine')
      .select([...HIT_COLUMNS, '_distance'])
      .limit(options.k);
    const where = toSqlFilter(options.filter);
    if (where) q = q.where(where);
    if (options.exact) q = q.bypassVectorIndex();
    else
      q = q
        .nprobes(options.nprobes ?? ANN_CONFIG.nprobes)
        .refineFactor(options.refineFactor ?? ANN_CONFIG.refineFactor);
    return hitsFromArrow(await q.toArrow(), '_distance', (d) => 1 - d);
  }

  async searchText(text: string, options: { k: number; filter?: SearchFilter }): Promise<IndexHit[]> {
    if (!this.#table || text.trim() === '') return [];
    const resident = await this.#servingCopy();
    const inMemory = await resident?.searchText(text, options.k, options.filter, { wait: this.#waitsForCopy() });
    if (inMemory) return inMemory;
    // With a resident copy, LanceDB only ranks (row ids and BM25 scores); the hits come from memory.
    let q = this.#table
      .query()
      .fullTextSearch(text, { columns: ['index_text'] })
      .select(resident ? ['_score'] : [...HIT_COLUMNS, '_score'])
      .limit(options.k);
    if (resident) q = q.withRowId();
    const where = toSqlFilter(options.filter);
    if (where) q = q.where(where);
    const result = await q.toArrow();
    if (!resident || result.numRows === 0) return hitsFromArrow(result, '_score', (s) => s);
    const rowIds = result.getChild('_rowid')!;
    const scores = result.getChild('_score')!;
    const hits: IndexHit[] = [];
    for (let i = 0; i < result.numRows; i++) {
      const hit = resident.hitOfRowId(BigInt(rowIds.get(i) as bigint), Number(scores.get(i)));
      if (hit) hits.push(hit);
    }
    return hits;
  }

  async getChunks(chunkIds: readonly string[]): Promise<IndexHit[]> {
    if (!this.#table || chunkIds.length === 0) return [];
    // A scalar filter over one column; callers bound the list (read-chunks.ts), so one IN predicate.
    const result = await this.#table
      .query()
      .where(`chunk_id IN (${chunkIds.map(quoteSql).join(', ')})`)
      .select([...HIT_COLUMNS])
      .toArrow();
    if (result.numRows === 0) return []; // an empty result may come without columns
    const columns = hitColumns(result);
    return Array.from({ length: result.numRows }, (_, i) => hitAt(columns, i, 0));
  }

  async version(): Promise<number> {
    return this.#table ? this.#table.version() : 0;
  }

  async listVersions(): Promise<TableVersion[]> {
    if (!this.#table) return [];
    const tags = await this.listTags();
    return (await this.#table.listVersions()).map((v) => ({
      version: v.version,
      timestamp: v.timestamp,
      tags: Object.entries(tags)
        .filter(([, tv]) => tv === v.version)
        .map(([t]) => t),
    }));
  }

  async checkout(version: number): Promise<void> {
    const table = this.#requireTable();
    try {
      await table.checkout(version);
    } catch (error) {
      throw new NotFoundError(`Index version ${version} does not exist (never built, or cleaned up).`, {
        cause: error,
      });
    }
    this.#dimensions = await vectorDimensions(table);
    this.#unpin();
    this.#pinned = true;
    this.#pinnedRows = await table.countRows();
  }

  #unpin(): void {
    this.#pinned = false;
    this.#resident?.then(
      (r) => r?.release(),
      () => {},
    );
    this.#resident = undefined;
    this.#residentLoaded = undefined;
  }

  async restore(version: number): Promise<void> {
    await this.checkout(version);
    this.#unpin(); // restored: the table is the writable latest version again
    await this.#requireTable().restore();
  }

  createOrRefreshIndexes(options: { force?: boolean } = {}): Promise<IndexRefresh> {
    return refreshIndexes(this.#requireTable(), options);
  }

  async tagVersion(tag: string, version: number): Promise<void> {
    const tags = await this.#requireTable().tags();
    const existing = await this.listTags();
    if (existing[tag] === version) return;
    if (existing[tag] !== undefined) await tags.update(tag, version);
    else await tags.create(tag, version);
  }

  async untagVersion(tag: string): Promise<void> {
    const existing = await this.listTags();
    if (existing[tag] === undefined) return;
    await (await this.#requireTable().tags()).delete(tag);
  }

  async listTags(): Promise<Record<string, number>> {
    if (!this.#table) return {};
    const list = await (await this.#table.tags()).list();
    return Object.fromEntries(Object.entries(list).map(([name, c]) => [name, Number(c.version)]));
  }

  async optimize(options: { removeVersionsOlderThan?: Date }): Promise<OptimizeResult> {
    // Without a cutoff: the epoch, so nothing is pruned (the default prunes everything older than
    // 7 days). deleteUnverified: files of crashed or interrupted builds are not referenced by any
    // version, and Lance keeps such files for 7 days unless told; under the index lock no writer is
    // in flight, so they are garbage (a compaction after 110 builds left the folder 25% larger).
    const stats = await this.#requireTable().optimize({
      cleanupOlderThan: options.removeVersionsOlderThan ?? new Date(0),
      deleteUnverified: options.removeVersionsOlderThan !== undefined,
    });
    return {
      fragmentsRemoved: stats.compaction.fragmentsRemoved,
      fragmentsAdded: stats.compaction.fragmentsAdded,
      versionsRemoved: Number(stats.prune.oldVersionsRemoved),
      bytesRemoved: Number(stats.prune.bytesRemoved),
    };
  }

  close(): void {
    this.#unpin();
    this.#table?.close();
    this.#db.close();
  }
}
