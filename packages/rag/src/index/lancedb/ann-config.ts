/**
 * When and how the ANN index is built. Measured with `npm run bench:index` (see the numbers there and
 * in bench/results/index-build.json): below the threshold an exact scan is both fast and perfect.
 */
export const ANN_CONFIG = {
  /** Rows at which an ANN index starts to pay. */
  minRows: 50_000,
  /** Rebuild the ANN index when more than this fraction of rows is not covered by it. */
  maxUnindexedFraction: 0.2,
  /** Rows per IVF partition (numPartitions = rows / this). */
  rowsPerPartition: 4096,
  nprobes: 20,
  refineFactor: 10,
  /** FTS is rebuilt when more than this fraction of rows is unindexed (unindexed rows are scanned). */
  ftsMaxUnindexedFraction: 0.1,
};
