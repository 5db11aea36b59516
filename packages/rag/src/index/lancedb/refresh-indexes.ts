import type * as lancedb from '@lancedb/lancedb';
import { Index } from '@lancedb/lancedb';
import { RETRIEVAL_DEFAULTS } from '../../search/retrieval-defaults.ts';
import type { IndexRefresh } from '../vector-index.ts';
import { ANN_CONFIG } from './ann-config.ts';

// Workaround for a LanceDB 0.31 (lance 8) deadlock: building a full-text index over more rows than
// one posting batch (~8-9k documents here) hangs forever with 0% CPU once the bounded write queue
// fills. Reproduced with 9k-10k rows of 90 words; both settings below avoid it, and 100k rows then
// index in ~8 s. The native code reads them from the environment at index time, so they are set
// here, once, unless the user set them. Remove when an upgraded LanceDB passes bench:index without.
process.env.LANCE_FTS_POSTING_BATCH_ROWS ??= '10000000';
process.env.LANCE_FTS_WRITE_QUEUE_SIZE ??= '100000';
// indexStats is read only for numUnindexedRows: without this, LanceDB 0.31 also serialises the ANN
// index's centroids into every answer (and warns on stderr that it will stop doing so).
process.env.LANCE_INCLUDE_VECTOR_CENTROIDS ??= 'false';

const FTS_INDEX = 'index_text_idx';
const ANN_INDEX = 'vector_idx';

/**
 * Creates or refreshes the table's full-text index and, from ANN_CONFIG.minRows rows, its ANN vector
 * index: rebuilt when `force` or when too many rows are not covered; the ANN index is dropped when
 * the table shrank below the threshold.
 */
export async function refreshIndexes(table: lancedb.Table, options: { force?: boolean }): Promise<IndexRefresh> {
  const rows = await table.countRows();
  const indices = await table.listIndices();
  const unindexed = async (name: string) =>
    indices.some((i) => i.name === name) ? ((await table.indexStats(name))?.numUnindexedRows ?? rows) : rows;
  const result: IndexRefresh = { fts: 'kept', ann: 'none', rows };
  const builds: Promise<void>[] = [];
  if (options.force || (await unindexed(FTS_INDEX)) > ANN_CONFIG.ftsMaxUnindexedFraction * rows || rows === 0) {
    const { baseTokenizer, language, stem, removeStopWords, asciiFolding, lowercase, withPosition } =
      RETRIEVAL_DEFAULTS.fts;
    builds.push(
      table.createIndex('index_text', {
        name: FTS_INDEX,
        replace: true,
        config: Index.fts({ baseTokenizer, language, stem, removeStopWords, asciiFolding, lowercase, withPosition }),
      }),
    );
    result.fts = 'created';
  }
  if (rows >= ANN_CONFIG.minRows) {
    const stale = (await unindexed(ANN_INDEX)) > ANN_CONFIG.maxUnindexedFraction * rows;
    if (options.force || stale) {
      builds.push(
        table.createIndex('vector', {
          name: ANN_INDEX,
          replace: true,
          config: Index.ivfRq({
            distanceType: 'cosine',
            numPartitions: Math.max(1, Math.round(rows / ANN_CONFIG.rowsPerPartition)),
            numBits: ANN_CONFIG.numBits,
          }),
        }),
      );
      result.ann = 'created';
    } else result.ann = 'kept';
  } else if (indices.some((i) => i.name === ANN_INDEX)) {
    await table.dropIndex(ANN_INDEX); // shrank below the threshold: exact search is better there
  }
  // Both at once: neither keeps two cores busy alone, and Lance commits indexes of different
  // columns concurrently. 100k rows: 21 s together, 54 s one after the other (same 11 s of CPU;
  // load 13).
  const settled = await Promise.allSettled(builds);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return result;
}
