import type { Writable } from 'node:stream';

/** What pino needs of a destination. */
export type LogDestination = { write(line: string): void; flushSync(): void };

const pending = new Set<LogDestination>();
let exitHooked = false;

/**
 * Writes several processes may share a pipe with and still never interleave inside a line: POSIX
 * makes a pipe write of at most PIPE_BUF bytes (4096 on Linux) atomic, a longer one may be split
 * around another process's write. RAGOPS_WORKERS workers all write to the primary's stdout.
 */
export const ATOMIC_PIPE_WRITE_BYTES = 4096;

/** How long a line may wait for others to join its write. */
export const DEFAULT_MAX_DELAY_MS = 10;
/** Buffered characters that are written at once, without waiting for the delay. */
const FLUSH_AT_CHARS = 64 * 1024;

/**
 * A log destination that joins the lines of up to `maxDelayMs` (default 10 ms) into one write.
 * process.stdout writes synchronously on Linux (files and pipes), one syscall per line: under load
 * the socket/pipe `writev` was 12.6% of the serving main thread (bench:serving CPU profile, issue
 * 12). Joining one event-loop turn's lines (the first version of this) left a write per request
 * whenever requests come one per turn, as at 200 requests/s (~2% of a request's CPU in bench:serving's
 * 200 rps profile); 10 ms joins those too and keeps lines timely for a person reading them. 64 K
 * characters buffered are written at once. Hand-written rather than sonic-boom's `minLength`: that
 * holds lines until the buffer fills, so a quiet server's lines would wait indefinitely. Lines still
 * buffered when the process exits are written synchronously by an exit hook (stdout writes are
 * synchronous there); a process killed outright loses at most the last `maxDelayMs` of lines. With
 * `maxWriteBytes` (cluster workers: ATOMIC_PIPE_WRITE_BYTES) the lines go out in writes of at most
 * that many bytes, split between lines (a single longer line is still one write).
 */
export function batchedLogDestination(
  out: Writable,
  options: { maxWriteBytes?: number; maxDelayMs?: number } = {},
): LogDestination {
  const { maxWriteBytes, maxDelayMs = DEFAULT_MAX_DELAY_MS } = options;
  let buffer = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const destination: LogDestination = {
    write(line) {
      buffer += line;
      if (buffer.length >= FLUSH_AT_CHARS) return destination.flushSync();
      if (timer) return;
      pending.add(destination);
      timer = setTimeout(destination.flushSync, maxDelayMs);
      timer.unref(); // the exit hook writes what is left
    },
    flushSync() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      pending.delete(destination);
      if (buffer === '') return;
      const chunk = buffer;
      buffer = '';
      if (maxWriteBytes === undefined || Buffer.byteLength(chunk) <= maxWriteBytes) out.write(chunk);
      else for (const part of splitAtLines(chunk, maxWriteBytes)) out.write(part);
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

/** `text` (whole lines) in pieces of at most `max` bytes, cut only after a newline. */
function splitAtLines(text: string, max: number): string[] {
  const parts: string[] = [];
  let start = 0;
  let bytes = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', lineStart)) {
    const lineBytes = Buffer.byteLength(text.slice(lineStart, i + 1));
    if (bytes > 0 && bytes + lineBytes > max) {
      parts.push(text.slice(start, lineStart));
      start = lineStart;
      bytes = 0;
    }
    bytes += lineBytes;
    lineStart = i + 1;
  }
  if (start < text.length) parts.push(text.slice(start));
  return parts;
}
