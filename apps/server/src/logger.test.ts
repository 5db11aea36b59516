import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createServerLogger, toLibraryLogger } from './logger.ts';

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

describe('createServerLogger', () => {
  it('writes JSON lines and redacts secrets even when a caller passes them', () => {
    const out = sink();
    const logger = createServerLogger({ logFormat: 'json', logLevel: 'info' }, out.stream);
    logger.info({ requestId: 'r1', token: 'rgo_secret', headers: { authorization: 'Bearer rgo_secret' } }, 'hello');
    logger.debug({ requestId: 'r2' }, 'below the level');
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'hello', requestId: 'r1', token: '[redacted]', level: 30 });
    expect(out.text()).not.toContain('rgo_secret');
  });

  it('pretty format prints a short human line', () => {
    const out = sink();
    const logger = createServerLogger({ logFormat: 'pretty', logLevel: 'debug' }, out.stream);
    toLibraryLogger(logger).warn('slow store', { latencyMs: 120 });
    expect(out.text()).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}slow store latencyMs=120\n$/);
  });
});
