// An unexpected exception in a route: 500 in the one shape, no internals leaked, logged at error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, expectErrorShape, type TestServer } from './server-fixture.ts';

describe('unexpected errors', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await createTestServer('sqlite');
    // A route that fails like a bug would; added to this test's app only.
    s.app.get('/api/v1/boom', () => {
      throw new TypeError('cannot read properties of undefined (reading "secretField")');
    });
  });
  afterAll(async () => s?.close());

  it('answers 500 internal without the message, and logs the error with the request id', async () => {
    const res = await s.call('GET', '/api/v1/boom', { headers: { 'x-request-id': 'boom-1' } });
    expect(res.status).toBe(500);
    const error = await expectErrorShape(res);
    expect(error).toEqual({ code: 'internal', message: 'Internal server error', requestId: 'boom-1' });
    const logged = s.logs.find((l) => l.msg === 'request failed' && l.requestId === 'boom-1');
    expect(logged).toMatchObject({ level: 50, status: 500 });
    expect(JSON.stringify(logged)).toContain('secretField');
  });
});
