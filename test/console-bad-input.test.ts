// The console's pages signed in (the anonymous sweep in server-bad-input.test.ts stops at the sign-in
// redirect): every GET route with hostile path parameters and query strings (100k characters, a NUL,
// a path traversal, a deep bracket run, an unknown key) answers a 4xx page, never a 5xx; an endpoint
// name outside core's rule is the 400 page naming it, as on REST; and a model in a catalog the
// principal may not read is a 404 like a missing one. On both store backends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleFixture, sessionCookie, startConsoleFixture } from './console-fixture.ts';
import { EVAL_MODEL } from './eval-fixture.ts';
import { testBackends } from './server-fixture.ts';

const HOSTILE = [
  'x'.repeat(100_000),
  'a%00b',
  '..%2F..%2Fetc%2Fpasswd',
  '%5B'.repeat(5_000),
  'dev.qs.%E2%80%AEevil',
  '-1',
  '1e309',
];
/** Routes with a parameter, as templates; `$` is replaced by each hostile value. */
const PARAM_ROUTES = [
  '/console/models/$',
  `/console/models/${EVAL_MODEL}/versions/$`,
  '/console/models/$/versions/1',
  '/console/eval-runs/$',
  '/console/promotions/$',
  '/console/promotions/$/compare',
  '/console/monitoring/$',
  '/console/review/items/$',
  '/console/assets/$',
];
const QUERY_ROUTES = [
  '/console/models',
  '/console/eval-runs',
  '/console/promotions',
  '/console/monitoring',
  '/console/feedback',
  '/console/calibrations',
  '/console/review',
];

for (const backend of testBackends()) {
  describe(`console pages with bad input, signed in (${backend})`, () => {
    let f: ConsoleFixture;
    let reader: string;
    let outsider: string;
    const get = (cookie: string, path: string) => f.app.request(path, { headers: { cookie } });

    beforeAll(async () => {
      f = await startConsoleFixture(backend, { rows: 2 });
      [reader, outsider] = await Promise.all([sessionCookie(f, f.reader.token), sessionCookie(f, f.outsider.token)]);
    }, 120_000);
    afterAll(async () => f?.close());

    it('answers every route with a hostile path parameter with a 4xx page', async () => {
      for (const route of PARAM_ROUTES) {
        for (const value of HOSTILE) {
          const res = await get(reader, route.replace('$', value));
          expect(res.status, `${route} with ${value.slice(0, 20)}…`).toBeGreaterThanOrEqual(400);
          expect(res.status, `${route} with ${value.slice(0, 20)}…`).toBeLessThan(500);
          await res.text();
        }
      }
    }, 120_000);

    it('answers hostile query strings with 400 (a value) or the page (an ignored key), never 5xx', async () => {
      for (const route of QUERY_ROUTES) {
        for (const value of HOSTILE) {
          for (const query of [`size=${value}`, `since=${value}`, `model=${value}`, `${value}=1`]) {
            const res = await get(reader, `${route}?${query}`);
            expect(res.status, `${route}?${query.slice(0, 30)}…`).toBeLessThan(500);
            await res.text();
          }
        }
      }
    }, 120_000);

    it("answers an endpoint name outside core's rule with the 400 page naming it, a well-formed unknown one with 404", async () => {
      const rule = /endpoint names: a lower-case letter/;
      for (const bad of ['Docs', '1docs', 'docs%20qa', 'docs!', `d${'x'.repeat(63)}`]) {
        for (const path of [
          `/console/monitoring/${bad}`,
          `/console/review?source=inference&endpoint=${bad}`,
          `/console/feedback?model=${EVAL_MODEL}&endpoint=${bad}`,
        ]) {
          const res = await get(reader, path);
          const page = await res.text();
          expect(res.status, path.slice(0, 60)).toBe(400);
          expect(page, path.slice(0, 60)).toMatch(rule);
        }
      }
      const unknown = await get(reader, '/console/monitoring/no-such-endpoint');
      expect(unknown.status).toBe(404);
      expect(await unknown.text()).not.toMatch(rule);
    });

    it('treats a model the principal may not READ as missing (404), not as forbidden', async () => {
      const readable = await get(reader, `/console/models/${EVAL_MODEL}`);
      expect(readable.status).toBe(200);
      await readable.text();
      const hidden = await get(outsider, `/console/models/${EVAL_MODEL}`);
      const missing = await get(outsider, '/console/models/dev.qs.no_such_model');
      expect([hidden.status, missing.status]).toEqual([404, 404]);
      // The same page but for the name asked: nothing tells a hidden model from a missing one.
      const hiddenPage = (await hidden.text()).replaceAll(EVAL_MODEL, 'NAME');
      const missingPage = (await missing.text()).replaceAll('dev.qs.no_such_model', 'NAME');
      expect(hiddenPage).toBe(missingPage);
    });
  });
}
