import { type InferenceRow, insertInferenceRows, type MetadataStore } from '@ragops/core';

/**
 * Writes one in-process inference row, awaited. The server queues its rows and writes them in
 * batches from a worker (serving/inference-log.ts) because it has a shutdown hook to drain the queue
 * on; a library has none, so a queued row could be lost when the caller's process exits. One
 * single-row INSERT is small beside a chain call (retrieval plus generation).
 */
export async function recordInferenceRow(store: MetadataStore, row: InferenceRow): Promise<void> {
  await store.transaction((tx) => insertInferenceRows(tx, [row]));
}
