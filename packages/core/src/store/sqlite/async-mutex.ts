/** Runs async tasks one at a time, in call order. */
export class AsyncMutex {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task);
    // Keep the chain alive whether the task fails or not; the caller sees the failure via `result`.
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
