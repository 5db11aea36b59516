import type { Writable } from 'node:stream';

/** What pino needs of a destination. */
export type LogDestination = { write(line: string): void; flushSync(): void };

const pending = new Set<LogDestination>();
let exitHooked = false;

/**
 * A log destination that joins the lines of one event-loop turn into one write. process.stdout writes
 * synchronously on Linux (files and pipes), one syscall per line: under load the socket/pipe `writev`
 * was 12.6% of the serving main thread (bench:serving CPU profile, issue 12). Here every line written
 * during a turn goes out in one write at the end of it (setImmediate), so a quiet server's lines still
 * appear at once. Hand-written rather than sonic-boom's `minLength`: that holds lines until the buffer
 * fills, so a quiet server's lines would wait for a timer. Lines still buffered when the process exits
 * are written synchronously by an exit hook (stdout writes are synchronous there).
 */
export function batchedLogDestination(out: Writable): LogDestination {
  let buffer = '';
  let scheduled = false;
  const destination: LogDestination = {
    write(line) {
      buffer += line;
      if (scheduled) return;
      scheduled = true;
      pending.add(destination);
      setImmediate(destination.flushSync);
    },
    flushSync() {
      scheduled = false;
      pending.delete(destination);
      if (buffer === '') return;
      const chunk = buffer;
      buffer = '';
      out.write(chunk);
    },
  };
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', () => {
      for (const d of [...pending]) d.flushSync();
    });
  }
  return destination;
}
