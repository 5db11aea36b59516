/**
 * When and how the ANN vector index is built, chosen by measurement (100k chunks × 1024-dim hash
 * embeddings, 30 queries, recall@10 against `bypassVectorIndex()` exact search, this 2-core machine
 * while other jobs ran; exact search p50 ≈ 1000 ms there, ≈ 90 ms at 10k rows):
 *
 *   IVF_PQ   24 partitions: build 290 s; nprobes 20 → 0.30 @ 7 ms; + refine 20 → 0.75 @ 12 ms
 *   IVF_FLAT 24 partitions: build   6 s; nprobes 10 → 0.76 @ 190 ms; nprobes 20 → 0.99 @ 370 ms
 *   IVF_HNSW_SQ 24 parts:   build  53 s; nprobes 20 → 0.48 @ 6 ms; nprobes 20 + refine 20 → 0.95 @ 34 ms;
 *                                        nprobes 40 (all) + refine 20 → 0.97 @ 35 ms
 *   HNSW_SQ  1 partition:   build 180 s; ef 800 → 0.66 @ 10 ms
 *
 * Feature-hashed vectors are nearly orthogonal, so quantization (PQ) and partitioning lose most
 * neighbours; LanceDB's defaults (IVF_PQ, nprobes 20, no refine) give 0.30 here. IVF_HNSW_SQ with
 * every partition probed and a refine step (re-ranking with exact distances) is the best measured
 * trade-off: ≥ 0.95 recall at ~30× less latency than exact. Re-measure with `npm run bench:index`
 * when the embedder changes; dense model embeddings cluster far better than hashed ones.
 */
export const ANN_CONFIG = {
  /** Rows at which an ANN index starts to pay: exact search is ~90 ms at 10k rows × 1024 dims here. */
  minRows: 20_000,
  /** Rebuild the ANN index when more than this fraction of rows is not covered by it (unindexed rows are scanned exactly). */
  maxUnindexedFraction: 0.2,
  /** Rows per IVF partition (numPartitions = rows / this). */
  rowsPerPartition: 4096,
  /** Partitions probed per query: all of them up to 160k rows. */
  nprobes: 40,
  /** Candidates re-ranked with exact distances = k × this. */
  refineFactor: 20,
  /** FTS is rebuilt when more than this fraction of rows is unindexed (unindexed rows are scanned). */
  ftsMaxUnindexedFraction: 0.1,
};
