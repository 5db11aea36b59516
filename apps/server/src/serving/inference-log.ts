import { type InferenceRow, insertInferenceRows, type MetadataStore } from '@ragops/core';
import type { ServerLogger } from '../logger.ts';

export type InferenceLogOptions = {
  store: MetadataStore;
  logger: ServerLogger;
  /** Rows waiting; past it new rows are dropped, counted and logged (a slow store never blocks requests). */
  queueMax: number;
  /** Rows queued that start a write before `flushMs` is up. */
  batchSize: number;
  /**
   * Most rows per write transaction (default 50, and never more than batchSize). node:sqlite is
   * synchronous, so a transaction blocks the event loop while it runs: a drain writes its rows in
   * slices of this size and yields to the event loop (setImmediate) between them, which keeps each
   * stall to about a millisecond instead of one long one per batch.
   */
  sliceRows?: number;
  /** Longest a row waits before a write starts. */
  flushMs: number;
  /** Called with the number of rows dropped (metrics). */
  onDrop?: (count: number) => void;
  /**
   * Writes one transaction's rows; default `store.transaction` + insertInferenceRows on this thread.
   * The server passes an InferenceWriterThread's `write` for SQLite stores.
   */
  write?: (rows: InferenceRow[]) => Promise<void>;
  onWritten?: (count: number) => void;
};

const DEFAULT_SLICE_ROWS = 50;

/**
 * The inference table's writer: `enqueue` is a push onto a bounded in-memory queue (no I/O on the
 * request path); a background loop writes them in queue order, in small transactions with a turn of
 * the event loop between them (see `sliceRows`). A failed write keeps its rows at the head of the
 * queue and retries on the next tick. `close()` (graceful shutdown, SIGTERM)
 * writes every queued row before it resolves.
 */
export class InferenceLog {
  readonly #o: InferenceLogOptions;
  #queue: InferenceRow[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #draining: Promise<void> | undefined;
  #closed = false;
  #dropped = 0;
  #written = 0;
  #lastDropLog = 0;

  constructor(options: InferenceLogOptions) {
    this.#o = options;
    this.#timer = setInterval(() => void this.#drainInBackground(), options.flushMs);
    this.#timer.unref();
  }

  get queued(): number {
    return this.#queue.length;
  }
  get dropped(): number {
    return this.#dropped;
  }
  get written(): number {
    return this.#written;
  }

  /** Queues a row; false (and counted) when the queue is full. */
  enqueue(row: InferenceRow): boolean {
    if (this.#queue.length >= this.#o.queueMax) {
      this.#dropped += 1;
      this.#o.onDrop?.(1);
      const now = Date.now();
      if (now - this.#lastDropLog > 10_000) {
        this.#lastDropLog = now;
        this.#o.logger.warn(
          { dropped: this.#dropped, queueMax: this.#o.queueMax },
          'inference queue full: dropping rows (store too slow?)',
        );
      }
      return false;
    }
    this.#queue.push(row);
    if (this.#queue.length >= this.#o.batchSize && !this.#draining)
      queueMicrotask(() => void this.#drainInBackground());
    return true;
  }

  /** Writes everything queued now; rejects when the store fails (rows stay queued). */
  async flush(): Promise<void> {
    // Wait out the drain in flight; its failure is its own caller's (the rows stay queued for ours).
    while (this.#draining) await this.#draining.catch(() => {});
    this.#draining = this.#drain();
    try {
      await this.#draining;
    } finally {
      this.#draining = undefined;
    }
  }

  /** Stops the timer and writes every queued row (retrying a few times); logs and counts what could not be written. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    for (let attempt = 1; this.#queue.length > 0; attempt++) {
      try {
        await this.flush();
      } catch (err) {
        if (attempt >= 5) {
          const lost = this.#queue.length;
          this.#dropped += lost;
          this.#o.onDrop?.(lost);
          this.#queue = [];
          this.#o.logger.error({ err, lost }, 'inference rows lost at shutdown: the store kept failing');
          return;
        }
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  }

  async #drainInBackground(): Promise<void> {
    if (this.#draining || this.#queue.length === 0) return;
    try {
      await this.flush();
    } catch (err) {
      this.#o.logger.error({ err, queued: this.#queue.length }, 'inference rows write failed; will retry');
    }
  }

  async #drain(): Promise<void> {
    const slice = Math.max(1, Math.min(this.#o.batchSize, this.#o.sliceRows ?? DEFAULT_SLICE_ROWS));
    for (let first = true; this.#queue.length > 0; first = false) {
      // Let requests (timers, sockets) run between two synchronous SQLite transactions.
      if (!first) await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.#queue.length === 0) break;
      const batch = this.#queue.splice(0, slice);
      try {
        if (this.#o.write) await this.#o.write(batch);
        else await this.#o.store.transaction((tx) => insertInferenceRows(tx, batch));
      } catch (err) {
        this.#queue.unshift(...batch);
        throw err;
      }
      this.#written += batch.length;
      this.#o.onWritten?.(batch.length);
    }
  }
}
