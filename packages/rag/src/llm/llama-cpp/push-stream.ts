/**
 * An async iterable fed by callbacks (node-llama-cpp reports text chunks by callback): items pushed
 * before anyone reads are buffered, `fail` makes the next read throw. One reader; a reader that
 * stops early (break, throw) calls `onCancel`, so the producer can stop generating.
 */
export class PushStream<T> implements AsyncIterable<T> {
  readonly #onCancel: () => void;
  readonly #buffer: T[] = [];
  #done = false;
  #error: { reason: unknown } | undefined;
  #wake: (() => void) | undefined;

  constructor(onCancel: () => void = () => {}) {
    this.#onCancel = onCancel;
  }

  push(item: T): void {
    this.#buffer.push(item);
    this.#notify();
  }

  end(): void {
    this.#done = true;
    this.#notify();
  }

  fail(reason: unknown): void {
    this.#error = { reason };
    this.#notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let finished = false;
    try {
      while (true) {
        if (this.#buffer.length > 0) {
          yield this.#buffer.shift()!;
          continue;
        }
        if (this.#error) {
          finished = true;
          throw this.#error.reason;
        }
        if (this.#done) {
          finished = true;
          return;
        }
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
      }
    } finally {
      if (!finished) this.#onCancel();
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
