// Bad input on EVERY route: a table keyed by route (derived from the app, so a new route without an
// entry fails), each case → 4xx in the one error shape naming what and where; then a sweep that
// throws garbage at every route and asserts nothing answers 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASES, CONSOLE_ROUTE, MALFORMED, SERVING_ROUTE } from './server-bad-input-cases.ts';
import {
  createTestServer,
  expectErrorShape,
  registeredRoutes,
  seedRegistry,
  type TestServer,
} from './server-fixture.ts';

let s: TestServer;
beforeAll(async () => {
  s = await createTestServer('sqlite', { RAGOPS_MAX_BODY_BYTES: '4096' });
  await seedRegistry(s);
});
afterAll(async () => s?.close());

describe('bad input on every route', () => {
  it('has a bad-input entry for every registered route (and none for routes that do not exist)', () => {
    // The OpenAI-compatible serving routes answer in the OpenAI error shape; their own suite covers them.
    // The console's HTML pages likewise (test/console-session.test.ts); the garbage sweep below covers both.
    const routes = registeredRoutes(s.app).filter((r) => !SERVING_ROUTE.test(r) && !CONSOLE_ROUTE.test(r));
    expect(Object.keys(CASES).sort()).toEqual(routes);
  });

  const rows = Object.entries(CASES).flatMap(([route, cases]) => cases.map((c) => ({ route, ...c })));
  it.each(rows)('$route: $what', async (c) => {
    const method = c.route.split(' ')[0]!;
    const res = await s.call(method, c.path, { body: c.body, rawBody: c.rawBody, headers: c.headers });
    expect(res.status, `${c.route} ${c.what}`).toBe(c.status ?? 400);
    const error = await expectErrorShape(res);
    expect(error.code).toBe('invalid_input');
    if (c.message) expect(error.message).toMatch(c.message);
  });

  it('rejects an oversized body with 413 in the error shape, before parsing it', async () => {
    const res = await s.call('POST', '/api/v1/catalogs', { rawBody: JSON.stringify({ name: 'x'.repeat(10_000) }) });
    expect(res.status).toBe(413);
    expect((await expectErrorShape(res)).code).toBe('invalid_input');
  });

  it('never answers 5xx to garbage on any route', async () => {
    const garbage = { name: 'x..y', catalog: 'A!', schema: '_', version: '99999999999999999', alias: '!!', id: '%00' };
    for (const route of registeredRoutes(s.app)) {
      const [method, pattern] = route.split(' ') as [string, string];
      const path = pattern.replace(/:(\w+)/g, (_, p: string) =>
        encodeURIComponent(garbage[p as keyof typeof garbage] ?? '?'),
      );
      for (const options of [{ rawBody: MALFORMED }, { rawBody: '"just a string"' }, { rawBody: 'null' }, {}]) {
        const send = method === 'GET' ? {} : options;
        const res = await s.call(method, `${path}?pageSize=-1&since=x`, send);
        expect(res.status, `${route} ${JSON.stringify(send)}`).toBeLessThan(500);
      }
    }
  });

  it('logs rejected input at warn, never the body', async () => {
    await s.call('POST', '/api/v1/principals', { body: { name: 'Bad Name', secretNote: 'hunter2' } });
    expect(s.logText()).not.toContain('hunter2');
    expect(s.logs.some((l) => l.msg === 'request rejected' && l.level === 40)).toBe(true);
  });
});
