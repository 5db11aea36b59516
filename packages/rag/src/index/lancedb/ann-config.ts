/**
 * When and how the ANN vector index is built, chosen by measurement (100k chunks × 1024-dim hash
 * embeddings, 40 queries of 8 words, recall@10 against `bypassVectorIndex()` exact search; this
 * 2-core machine at load average 12-18 from other jobs, so latencies are inflated; "cpu" is process
 * CPU per query, all threads, the steadier number there; exact search p50 ≈ 1500 ms):
 *
 *   index (partitions)      build   query                         recall@10  p50 ms  cpu ms/query
 *   IVF_HNSW_SQ (24)        53 s*   nprobes 40 + refine 20        0.98       76**
 *   IVF_RQ 1 bit (24)        9-13 s nprobes all                   0.43        4.2     5.3
 *                                   + refine 20                   0.95       11      14
 *                                   + refine 30                   0.98       13      15
 *   IVF_RQ 1 bit (4)        13 s    nprobes all + refine 30       0.98       16      17
 *   IVF_RQ 2 bits (24)      32 s    + refine 5                    0.97       16      14
 *   IVF_RQ 4 bits (4)       56 s    + refine 2                    1.00        8.5
 *   IVF_RQ 8 bits (24)     127 s    no refine                     0.96        5.8
 *   IVF_PQ (24)            290 s*   nprobes 20 + refine 20        0.75       12*
 *   IVF_FLAT (24)            6 s*   nprobes 20                    0.99      370*
 *   (* measured earlier, quieter machine; ** bench:index through searchVector, hit columns included)
 *
 * Feature-hashed vectors are nearly orthogonal: partitions prune nothing (every one is probed) and
 * coarse quantization alone loses most neighbours, so a cheap quantized scan plus LanceDB's refine
 * step (re-ranking k × refineFactor candidates with exact distances) wins. IVF_RQ (RaBitQ, 1 bit per
 * dimension) builds 5× faster than IVF_HNSW_SQ did, which was most of a 100k full build (176 s of
 * 195 s at load 13). The refine step reads full vectors back (~30 µs CPU a row here: reading 300
 * vectors by offset costs 7-9 ms), so it is most of a query; more bits need less refine but build far
 * slower. k-means training is random, so recall moves between builds: bench:index gave 0.947 with
 * refine 30 on one build (30 queries, load 5), hence 40 for margin: 0.967 at 100k and at 200k, p50 27
 * and 43 ms through searchVector with hit columns (load 2-7). Re-measure with `npm run bench:index`
 * when the embedder changes: dense model embeddings cluster, where fewer probes and less refine may do.
 *
 * A served (pinned) version of hashed vectors no longer comes here: it is resident as sparse columns
 * at any size that fits in memory (resident-chunks.ts; 100k: exact, p50 3.0 ms at load 10). This
 * index serves unpinned tables, one-shot CLI queries and versions over the memory bound. Lowering
 * refineFactor buys little there (100k, 40 queries back to back through searchVector, load 6):
 *
 *   refineFactor  recall@10  p50 ms  cpu ms/query
 *   10            0.895       9.7    10.5
 *   20            0.960      10.8    10.7
 *   30            0.973      11.5    11.7
 *   40            0.990      13.0    13.0
 *
 * so 40 stays (the quantized scan is most of a query; recall moves between builds). bench:index's
 * "ANN p50" (33–36 ms) is higher than these: it alternates each ANN query with an exact one.
 */
export const ANN_CONFIG = {
  /** Rows at which an ANN index starts to pay: exact search is ~90 ms at 10k rows × 1024 dims here. */
  minRows: 20_000,
  /** Rebuild the ANN index when more than this fraction of rows is not covered by it (unindexed rows are scanned exactly). */
  maxUnindexedFraction: 0.2,
  /** Rows per IVF partition (numPartitions = rows / this). */
  rowsPerPartition: 4096,
  /** Bits per dimension of the RaBitQ codes. */
  numBits: 1,
  /** Partitions probed per query: all of them up to 256k rows (LanceDB caps it at the partition count). */
  nprobes: 64,
  /** Candidates re-ranked with exact distances = k × this. */
  refineFactor: 40,
  /** FTS is rebuilt when more than this fraction of rows is unindexed (unindexed rows are scanned). */
  ftsMaxUnindexedFraction: 0.1,
};
