// The inference table's SQLite writer thread (see inference-writer-thread.ts): its own connection to
// the store's file (WAL lets it write while the main thread reads), one transaction per message.
import { parentPort, workerData } from 'node:worker_threads';
import { type InferenceRow, insertInferenceRows, openMetadataStore } from '@ragops/core';

export type WriterRequest = { id: number; rows: InferenceRow[] } | { id: number; close: true };
export type WriterReply = { id: number; ok: true } | { id: number; ok: false; message: string };

const port = parentPort;
if (!port) throw new Error('inference-writer-worker.ts runs as a worker thread');
const store = await openMetadataStore((workerData as { url: string }).url);
// One message at a time, in arrival order: rows keep the order the main thread queued them in.
let chain = Promise.resolve();
port.on('message', (message: WriterRequest) => {
  chain = chain.then(async () => {
    if ('close' in message) {
      await store.close();
      port.postMessage({ id: message.id, ok: true } satisfies WriterReply);
      port.close();
      return;
    }
    try {
      await store.transaction((tx) => insertInferenceRows(tx, message.rows));
      port.postMessage({ id: message.id, ok: true } satisfies WriterReply);
    } catch (err) {
      port.postMessage({ id: message.id, ok: false, message: err instanceof Error ? err.message : String(err) });
    }
  });
});
port.postMessage({ id: 0, ok: true } satisfies WriterReply);
