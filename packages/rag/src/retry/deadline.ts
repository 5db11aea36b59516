/**
 * One signal for "the caller gave up, or the time is up", and which of the two happened: the one
 * way a call combines its caller's abort with a timeout. A listener forwards the caller's abort and
 * a plain (unref'd) timer fires the timeout, instead of AbortSignal.any([caller,
 * AbortSignal.timeout(ms)]), whose dependent-signal bookkeeping (weak refs, a registry, a timer that
 * outlives the call) was a visible per-request cost in serving profiles. `dispose()` when the call
 * is over: it stops the timer and drops the listener (a long-lived caller signal would otherwise
 * collect one per call).
 * @example
 * const deadline = new Deadline(request.signal, 30_000);
 * try { await work(deadline.signal); } catch (e) { if (deadline.timedOut) throw new TimeoutError(); throw e; }
 * finally { deadline.dispose(); }
 */
export class Deadline {
  readonly signal: AbortSignal;
  readonly timeoutMs: number | undefined;
  readonly #controller = new AbortController();
  readonly #caller: AbortSignal | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timedOut = false;

  /** `timeoutMs` undefined: no timeout, only the caller's abort. */
  constructor(caller: AbortSignal | undefined, timeoutMs: number | undefined) {
    this.#caller = caller;
    this.timeoutMs = timeoutMs;
    this.signal = this.#controller.signal;
    if (caller?.aborted) this.#controller.abort(caller.reason);
    else caller?.addEventListener('abort', this.#onCallerAbort, { once: true });
    this.restart();
  }

  /** True once the timeout (not the caller) aborted the signal. */
  get timedOut(): boolean {
    return this.#timedOut;
  }

  /** True once the caller's own signal aborted. */
  get callerAborted(): boolean {
    return this.#caller?.aborted === true;
  }

  readonly #onCallerAbort = (): void => {
    clearTimeout(this.#timer);
    this.#controller.abort(this.#caller?.reason);
  };

  /** Starts the timeout again from now (a stream's idle timeout after each chunk). */
  restart(): void {
    clearTimeout(this.#timer);
    if (this.timeoutMs === undefined || this.signal.aborted) return;
    const ms = this.timeoutMs;
    this.#timer = setTimeout(() => {
      this.#timedOut = true;
      this.#controller.abort(new DOMException(`timed out after ${ms} ms`, 'TimeoutError'));
    }, ms);
    this.#timer.unref?.();
  }

  /** Stops the timer and drops the caller listener; with `reason`, also aborts the signal (cancelling work still in flight). */
  dispose(reason?: unknown): void {
    clearTimeout(this.#timer);
    this.#caller?.removeEventListener('abort', this.#onCallerAbort);
    if (reason !== undefined && !this.signal.aborted) this.#controller.abort(reason);
  }
}
