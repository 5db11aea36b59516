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
  it('writes the lines of one event-loop turn in one write, in order, at the end of the turn', async () => {
    const { out, writes } = sink();
    const logger = createServerLogger({ logFormat: 'json', logLevel: 'info' }, batchedLogDestination(out));
    for (let i = 0; i < 5; i++) logger.info({ i }, 'line');
    expect(writes).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(writes).toHaveLength(1);
    const lines = writes[0]!
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { i: number; msg: string });
    expect(lines.map((l) => l.i)).toEqual([0, 1, 2, 3, 4]);
    logger.info({ i: 5 }, 'later');
    await new Promise((r) => setImmediate(r));
    expect(writes).toHaveLength(2);
    expect(JSON.parse(writes[1]!)).toMatchObject({ i: 5, msg: 'later' });
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
    await new Promise((r) => setImmediate(r));
    expect(writes.join('')).toBe([...lines.slice(0, 50), long, ...lines.slice(50)].join(''));
    expect(writes.length).toBeGreaterThan(5);
    for (const w of writes) {
      expect(w.endsWith('\n')).toBe(true);
      // A single longer line stays one write of its own.
      if (w !== long) expect(Buffer.byteLength(w)).toBeLessThanOrEqual(ATOMIC_PIPE_WRITE_BYTES);
    }
  });
});
