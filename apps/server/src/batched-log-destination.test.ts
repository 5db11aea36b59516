import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { batchedLogDestination } from './batched-log-destination.ts';
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
});
