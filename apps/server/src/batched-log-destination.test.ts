import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ATOMIC_PIPE_WRITE_BYTES, batchedLogDestination } from './batched-log-destination.ts';
import { createServerLogger } from './logger.ts';

function sink() {
  const writes: string[] = [];
  const out = new Writable({
    write(chunk, _encoding, done) {
      writes.push(String(chunk));
      done();
    },
  });
  return { out, writes };
}

describe('batchedLogDestination', () => {
  it('writes the lines of up to maxDelayMs in one write, in order, once the delay is up', async () => {
    const { out, writes } = sink();
    const logger = createServerLogger(
      { logFormat: 'json', logLevel: 'info' },
      batchedLogDestination(out, { maxDelayMs: 20 }),
    );
    for (let i = 0; i < 5; i++) logger.info({ i }, 'line');
    await new Promise((r) => setImmediate(r));
    // Later turns join the same write while the delay runs (a timer never fires early).
    logger.info({ i: 5 }, 'next turn');
    expect(writes).toEqual([]);
    await new Promise((r) => setTimeout(r, 40));
    expect(writes).toHaveLength(1);
    const lines = writes[0]!
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { i: number; msg: string });
    expect(lines.map((l) => l.i)).toEqual([0, 1, 2, 3, 4, 5]);
    logger.info({ i: 6 }, 'later');
    await new Promise((r) => setTimeout(r, 40));
    expect(writes).toHaveLength(2);
    expect(JSON.parse(writes[1]!)).toMatchObject({ i: 6, msg: 'later' });
  });

  it('writes at once when 64 K characters are buffered, without waiting for the delay', () => {
    const { out, writes } = sink();
    const destination = batchedLogDestination(out, { maxDelayMs: 60_000 });
    const line = `${'x'.repeat(1023)}\n`;
    for (let i = 0; i < 63; i++) destination.write(line);
    expect(writes).toEqual([]);
    destination.write(line);
    expect(writes).toEqual([line.repeat(64)]);
    destination.flushSync(); // and its timer is gone: nothing left to write
    expect(writes).toHaveLength(1);
  });

  it('flushes what is buffered on demand (the exit hook calls this) and writes nothing when empty', () => {
    const { out, writes } = sink();
    const destination = batchedLogDestination(out);
    destination.write('a\n');
    destination.write('b\n');
    destination.flushSync();
    destination.flushSync();
    expect(writes).toEqual(['a\nb\n']);
  });

  it('with maxWriteBytes, writes a turn in pieces of whole lines, each at most that long (cluster workers share a pipe)', async () => {
    const { out, writes } = sink();
    const destination = batchedLogDestination(out, { maxWriteBytes: ATOMIC_PIPE_WRITE_BYTES });
    const lines = Array.from({ length: 100 }, (_, i) => `${JSON.stringify({ i, pad: 'é'.repeat(i * 3) })}\n`);
    const long = `${JSON.stringify({ long: 'x'.repeat(10_000) })}\n`;
    for (const line of [...lines.slice(0, 50), long, ...lines.slice(50)]) destination.write(line);
    destination.flushSync();
    expect(writes.join('')).toBe([...lines.slice(0, 50), long, ...lines.slice(50)].join(''));
    expect(writes.length).toBeGreaterThan(5);
    for (const w of writes) {
      expect(w.endsWith('\n')).toBe(true);
      // A single longer line stays one write of its own.
      if (w !== long) expect(Buffer.byteLength(w)).toBeLessThanOrEqual(ATOMIC_PIPE_WRITE_BYTES);
    }
  });
});
