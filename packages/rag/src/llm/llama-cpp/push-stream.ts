/**
 * An async iterable fed by callbacks (node-llama-cpp reports text chunks by callback): items pushed
 * before anyone reads are buffered, `fail` makes the next read throw. One reader.
 */
export class PushStream<T> implements AsyncIterable<T> {
  readonly #buffer: T[] = [];
  #done = false;
  #error: { reason: unknown } | undefined;
  #wake: (() => void) | undefined;

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
    while (true) {
      if (this.#buffer.length > 0) {
        yield this.#buffer.shift()!;
        continue;
      }
      if (this.#error) throw this.#error.reason;
      if (this.#done) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
