/** Work to finish before the process exits (e.g. flushing queued inference rows). */
export type ShutdownHook = () => Promise<void> | void;

/** Registers shutdown hooks and runs them once, in reverse order of registration. */
export interface Lifecycle {
  onShutdown(hook: ShutdownHook): void;
  /** Runs every hook (later registrations first) even if some fail; rejects with an AggregateError then. */
  shutdown(): Promise<void>;
}

/** A fresh lifecycle; `main.ts` calls `shutdown()` on SIGTERM/SIGINT after the server stops accepting. */
export function createLifecycle(): Lifecycle {
  const hooks: ShutdownHook[] = [];
  let done: Promise<void> | undefined;
  return {
    onShutdown(hook) {
      if (done) throw new Error('onShutdown() called after shutdown() started');
      hooks.push(hook);
    },
    shutdown() {
      done ??= (async () => {
        const errors: unknown[] = [];
        // Reverse order: what was set up last (and may depend on earlier parts) is torn down first.
        for (const hook of hooks.toReversed()) {
          try {
            await hook();
          } catch (error) {
            errors.push(error);
          }
        }
        if (errors.length > 0) throw new AggregateError(errors, `${errors.length} shutdown hook(s) failed`);
      })();
      return done;
    },
  };
}
