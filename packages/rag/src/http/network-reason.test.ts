import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { closedPort, startRawHttpServer } from '../test/raw-http.ts';
import { networkReason } from './network-reason.ts';

const coded = (code: string, message: string, cause?: unknown) =>
  Object.assign(new Error(message, cause === undefined ? {} : { cause }), { code });

describe('networkReason', () => {
  it('names the code and the message of a refused connection, through fetch and through undici alike', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/v1/chat/completions`;
    const expected = `ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:${port})`;
    // fetch: TypeError("fetch failed") with the coded error as its cause.
    expect(networkReason(await fetch(url, { method: 'POST' }).catch((e: unknown) => e))).toBe(expected);
    // undici's request(): the coded error itself.
    expect(networkReason(await request(url, { method: 'POST' }).catch((e: unknown) => e))).toBe(expected);
  });

  it('names why a body broke off mid-read, not "terminated"', async () => {
    const server = await startRawHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"choices":[');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    try {
      const res = await fetch(`${server.url}/`);
      const error = await res.text().catch((e: unknown) => e);
      expect(error).toMatchObject({ message: 'terminated' });
      expect(networkReason(error)).toBe('UND_ERR_SOCKET (other side closed)');
    } finally {
      await server.close();
    }
  });

  it('takes the deepest coded cause, the messages of an AggregateError, and the code alone when that is all', () => {
    const refused = (host: string) => coded('ECONNREFUSED', `connect ECONNREFUSED ${host}:8000`);
    const both = Object.assign(new AggregateError([refused('::1'), refused('127.0.0.1')], ''), {
      code: 'ECONNREFUSED',
    });
    expect(networkReason(new TypeError('fetch failed', { cause: both }))).toBe(
      'ECONNREFUSED (connect ECONNREFUSED ::1:8000; connect ECONNREFUSED 127.0.0.1:8000)',
    );
    expect(networkReason(coded('UND_ERR_CONNECT', 'wrapped', coded('ENOTFOUND', 'getaddrinfo ENOTFOUND gpu')))).toBe(
      'ENOTFOUND (getaddrinfo ENOTFOUND gpu)',
    );
    expect(networkReason(coded('ECONNRESET', 'ECONNRESET'))).toBe('ECONNRESET');
  });

  it('without a code, the messages of the chain outermost first; ends a chain that loops', () => {
    expect(networkReason(new TypeError('fetch failed', { cause: new Error('bad port') }))).toBe(
      'fetch failed: bad port',
    );
    const loop = new Error('a');
    (loop as { cause?: unknown }).cause = new Error('b', { cause: loop });
    expect(networkReason(loop)).toBe('a: b');
    expect(networkReason('socket hang up')).toBe('socket hang up');
    expect(networkReason(undefined)).toBe('undefined');
  });
});
