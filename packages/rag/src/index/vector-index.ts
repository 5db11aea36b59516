/** One stored chunk: its text, where it came from, and its embedding. */
export type ChunkRow = {
  chunkId: string;
  documentId: string;
  /** Content hash of the document version the chunk was cut from (reconciles crashed builds). */
  documentHash: string;
  title?: string;
  headingPath: string[];
  position: number;
  startChar: number;
  endChar: number;
  /** The raw chunk text, for answers and citations. */
  text: string;
  /** What was embedded and full-text indexed: chunkIndexText(chunk). */
  indexText: string;
  metadata: Record<string, unknown>;
  vector: Float32Array | readonly number[];
};

/** A chunk found by a search, without its vector. */
export type IndexHit = Omit<ChunkRow, 'vector' | 'headingPath' | 'metadata'> & {
  /**
   * Read-only: a resident version's hits of one row share them (frozen), where copying them was a
   * third of a hit's cost; the hit's own fields are fresh.
   */
  readonly headingPath: readonly string[];
  readonly metadata: Readonly<ChunkRow['metadata']>;
  /** Cosine similarity for vector search, BM25 for full-text search: higher is better. */
  score: number;
};

/** Restricts a search to some documents or metadata values (top-level metadata keys, exact match). */
export type SearchFilter = {
  documentIds?: readonly string[];
  metadata?: Readonly<Record<string, string | number | boolean>>;
};

export type VectorSearchOptions = {
  k: number;
  filter?: SearchFilter;
  /** Skip the ANN index and compare with every vector (exact; for recall measurements). */
  exact?: boolean;
  nprobes?: number;
  refineFactor?: number;
};

export type TableVersion = { version: number; timestamp: Date; tags: string[] };

export type IndexRefresh = { fts: 'created' | 'kept'; ann: 'created' | 'kept' | 'none'; rows: number };

export type OptimizeResult = {
  fragmentsRemoved: number;
  fragmentsAdded: number;
  versionsRemoved: number;
  /** What Lance says it deleted; the disk may still grow (compaction writes the kept data anew). */
  bytesRemoved: number;
};

/**
 * One LanceDB table of chunks behind a narrow interface; no LanceDB type leaks out of it.
 * Reads see the version checked out (latest unless `checkout` was called); writes need the latest.
 */
export interface VectorIndex {
  /** Vector length of the table, or undefined when it has no table yet. */
  readonly dimensions: number | undefined;
  /** Appends rows as one commit (one new table version). Creates the table on first use. */
  add(rows: readonly ChunkRow[], options?: { overwrite?: boolean }): Promise<void>;
  /** Deletes every chunk of these documents as one commit; returns the number of rows deleted. */
  deleteByDocumentIds(documentIds: readonly string[]): Promise<number>;
  /** Commits a new version with unchanged content (a build that changed nothing still gets a version). */
  touch(): Promise<void>;
  countRows(filter?: SearchFilter): Promise<number>;
  searchVector(vector: Float32Array | readonly number[], options: VectorSearchOptions): Promise<IndexHit[]>;
  searchText(text: string, options: { k: number; filter?: SearchFilter }): Promise<IndexHit[]>;
  /** The chunks with these ids in the version checked out (score 0; unknown ids are absent), in no order. */
  getChunks(chunkIds: readonly string[]): Promise<IndexHit[]>;
  /** Current table version (0 when there is no table). */
  version(): Promise<number>;
  listVersions(): Promise<TableVersion[]>;
  /** Time travel: later reads see `version`. Throws NotFoundError when it was cleaned up. */
  checkout(version: number): Promise<void>;
  /** Makes the content of `version` the latest version again (a new commit). */
  restore(version: number): Promise<void>;
  /** Builds the FTS index when missing or stale, and the ANN index once the table passes the threshold. */
  createOrRefreshIndexes(options?: { force?: boolean }): Promise<IndexRefresh>;
  /** Tags protect a version from cleanup. */
  tagVersion(tag: string, version: number): Promise<void>;
  untagVersion(tag: string): Promise<void>;
  listTags(): Promise<Record<string, number>>;
  /**
   * Merges small data files (a new version with the same content), then removes the versions older
   * than `removeVersionsOlderThan` and every file no kept version uses. The latest version is never
   * removed; Lance refuses (throws) when a tagged version is older than the cutoff. The caller must
   * hold the index lock: files of a concurrent writer's unfinished commit would be deleted too.
   */
  optimize(options: { removeVersionsOlderThan?: Date }): Promise<OptimizeResult>;
  close(): void;
}
