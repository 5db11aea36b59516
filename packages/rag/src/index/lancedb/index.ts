/** The LanceDB-backed VectorIndex: the only module that loads @lancedb/lancedb. */
export { openVectorIndex } from './lancedb-vector-index.ts';
