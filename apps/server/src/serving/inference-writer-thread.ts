import { Worker } from 'node:worker_threads';
import { type InferenceRow, insertInferenceRows, type MetadataStore } from '@ragops/core';
import type { ServerLogger } from '../logger.ts';
import type { WriterReply, WriterRequest } from './inference-writer-worker.ts';

/**
 * Writes inference rows to a SQLite store from a worker thread with its own connection to the same
 * file (WAL allows one writer next to readers). node:sqlite is synchronous: on the main thread a
 * write transaction, a WAL checkpoint's fsync or a busy wait on a lock held by the CLI would block
 * every request for its whole duration; here the main thread only posts the rows and awaits the
 * reply. `write` rejects when the transaction failed (the rows were not written), so InferenceLog's
 * retry and ordering rules stay as they are (a failed write is retried, on the main thread once the
 * writer thread is gone).
 */
export class InferenceWriterThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  readonly #ready: Promise<void>;
  readonly #fallback: (rows: InferenceRow[]) => Promise<void>;
  readonly #onFailure: (err: Error) => void;
  #nextId = 1;
  #exited: Error | undefined;
  #closing = false;

  /**
   * `fallback` writes on the main thread once the thread is gone (it failed to start or died);
   * `onFailure` is told why, once.
   */
  constructor(options: {
    url: string;
    fallback: (rows: InferenceRow[]) => Promise<void>;
    onFailure: (err: Error) => void;
  }) {
    const { url } = options;
    this.#fallback = options.fallback;
    this.#onFailure = options.onFailure;
    this.#worker = new Worker(new URL('./inference-writer-worker.ts', import.meta.url), { workerData: { url } });
    this.#ready = new Promise((resolve, reject) => {
      this.#pending.set(0, { resolve, reject });
    });
    this.#ready.catch(() => {}); // a thread that fails to start is reported through onFailure
    this.#worker.on('message', (reply: WriterReply) => {
      const waiter = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0 && !this.#closing) this.#worker.unref();
      if (reply.ok) waiter?.resolve();
      else waiter?.reject(new Error(reply.message));
    });
    const fail = (err: Error) => {
      if (this.#exited) return;
      this.#exited = err;
      if (!this.#closing) this.#onFailure(err);
      for (const waiter of this.#pending.values()) waiter.reject(err);
      this.#pending.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`inference writer thread exited (code ${code})`)));
    // Idle, the thread must not keep the process alive; with a reply awaited (a write, the shutdown
    // flush) it must, or the process could exit with rows unwritten.
  }

  /** Inserts the rows in one transaction on the writer thread. */
  async write(rows: InferenceRow[]): Promise<void> {
    if (this.#exited) return this.#fallback(rows);
    await this.#ready;
    return this.#send({ id: this.#nextId++, rows });
  }

  /** Closes the thread's connection and ends it (after every write sent before). */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#exited) return;
    await this.#ready.catch(() => {}); // a failed start was reported through onFailure already
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    // A failing close ends the thread too (its 'error' then 'exit'), which `exited` waits for.
    await this.#send({ id: this.#nextId++, close: true }).catch(() => {});
    await exited;
  }

  #send(message: WriterRequest): Promise<void> {
    if (this.#exited) return Promise.reject(this.#exited);
    return new Promise((resolve, reject) => {
      this.#pending.set(message.id, { resolve, reject });
      this.#worker.ref();
      this.#worker.postMessage(message);
    });
  }
}

/** A writer thread for a SQLite store (the blocking kind); undefined for PostgreSQL, whose writes are async already. */
export function inferenceWriterFor(store: MetadataStore, logger: ServerLogger): InferenceWriterThread | undefined {
  if (!store.url.startsWith('sqlite:')) return undefined;
  return new InferenceWriterThread({
    url: store.url,
    fallback: (rows) => store.transaction((tx) => insertInferenceRows(tx, rows)),
    onFailure: (err) => logger.error({ err }, 'inference writer thread failed; writing rows on the main thread'),
  });
}
