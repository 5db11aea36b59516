// The review, feedback-over-time and calibration pages in process (app.request) on SQLite and
// PostgreSQL: a label posted as a plain form (no script) lands in the store and redirects to the
// next item with the verdicts of this one; bad input is a 400 page naming what and where, with
// nothing written; pages of a model the principal may not READ are 404s.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { insertInferenceRows } from '@ragops/core';
import { listFeedback } from '@ragops/evals';
import { buildIndex, getChunks } from '@ragops/rag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleFixture, startConsoleFixture } from './console-fixture.ts';
import { EVAL_MODEL } from './eval-fixture.ts';
import { inferenceRow } from './feedback-fixture.ts';
import { testBackends } from './server-fixture.ts';

const ORIGIN = 'http://localhost';
const FORM = { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' };

/** Signs in through the form as a browser does; returns the session cookie and the session's CSRF token. */
async function session(f: ConsoleFixture, token: string): Promise<{ cookie: string; csrf: string }> {
  const page = await f.app.request('/console/sign-in');
  const pre = page.headers.get('set-cookie')!.split(';')[0]!;
  const preCsrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const res = await f.app.request('/console/sign-in', {
    method: 'POST',
    headers: { ...FORM, cookie: pre },
    body: new URLSearchParams({ token, _csrf: preCsrf }),
  });
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('ragops_console='))!
    .split(';')[0]!;
  const models = await (await f.app.request('/console/models', { headers: { cookie } })).text();
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(models)![1]! };
}

for (const backend of testBackends()) {
  describe(`console review pages (${backend})`, () => {
    let f: ConsoleFixture;
    let reader: { cookie: string; csrf: string };
    let outsider: { cookie: string; csrf: string };
    const get = (s: { cookie: string }, path: string) => f.app.request(path, { headers: { cookie: s.cookie } });
    const post = (s: { cookie: string; csrf: string }, fields: Record<string, string>) =>
      f.app.request('/console/review', {
        method: 'POST',
        headers: { ...FORM, cookie: s.cookie },
        body: new URLSearchParams({ _csrf: s.csrf, ...fields }),
      });

    beforeAll(async () => {
      f = await startConsoleFixture(backend, { rows: 3 });
      reader = await session(f, f.reader.token);
      outsider = await session(f, f.outsider.token);
    }, 120_000);
    afterAll(async () => f?.close());

    it('labels through a plain form post: 303 to the next item with done + 1 and this item’s verdicts', async () => {
      const queue = await (await get(reader, '/console/review?size=3&seed=3')).text();
      expect(queue).toContain('Item 1 of 3');
      const key = /name="target" value="([^"]+)"/.exec(queue)![1]!;
      expect(queue).not.toContain('judge-score');
      const res = await post(reader, {
        target: key,
        action: 'submit',
        'label.correctness': '1',
        rating: '1',
        comment: '<b>fine</b>',
        size: '3',
        seed: '3',
      });
      expect(res.status).toBe(303);
      const next = res.headers.get('location')!;
      expect(next).toMatch(/^\/console\/review\?/);
      expect(new URL(next, ORIGIN).searchParams.get('done')).toBe('1');
      const after = await (await get(reader, next)).text();
      expect(after).toContain('Item 2 of 3');
      expect(after).toContain('judge-score');
      expect(after).toContain('&lt;b&gt;fine&lt;/b&gt;');
      const stored = await listFeedback(f.eval.adminCtx, { source: 'reviewer', author: f.reader.name });
      expect(stored.items.map((fb) => [fb.labels, fb.approved, fb.comment])).toEqual([
        [{ correctness: 1 }, true, '<b>fine</b>'],
      ]);
    });

    it('labels from the item page: 303 back to it, which then shows the labels beside the verdicts', async () => {
      // A row the first test's queue did not hand to this reviewer (its order depends on the run id).
      const done = await listFeedback(f.eval.adminCtx, { source: 'reviewer', author: f.reader.name });
      const labelled = done.items.map((fb) => (fb.target as { rowId: string }).rowId);
      const key = `eval_row:${f.run.id}:${['q001', 'q002', 'q003'].find((r) => !labelled.includes(r))}`;
      const path = `/console/review/items/${encodeURIComponent(key)}`;
      const before = await (await get(reader, path)).text();
      expect(before).toContain('Judge verdicts are shown once you labelled this item');
      expect(before).not.toContain('judge-score');
      const res = await post(reader, { target: key, action: 'submit', 'label.groundedness': '0.5', from: 'item' });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(path);
      const after = await (await get(reader, path)).text();
      expect(after).toContain('judge-score');
      expect(after).toContain('groundedness 0.5');
      expect(after).not.toContain('<form method="post" action="/console/review" class="review');
    });

    it('answers bad input with a 400 page naming it, writing nothing', async () => {
      const before = (await listFeedback(f.eval.adminCtx, { source: 'reviewer' })).items.length;
      const key = `eval_row:${f.run.id}:q002`;
      const cases: [Response | Promise<Response>, RegExp][] = [
        [get(reader, '/console/review?size=abc'), /size/],
        [get(reader, '/console/review?size=101'), /size/],
        [get(reader, '/console/review?colour=red'), /colour/],
        [get(reader, '/console/review?source=files'), /source/],
        [get(reader, '/console/review/items/nonsense'), /is not an item/],
        [get(reader, `/console/review/items/${encodeURIComponent('eval_row:er_12:q1')}`), /is not an item/],
        [
          post(reader, { target: key, action: 'submit', 'label.correctness': '0.3' }),
          /correctness.*one of 0, 0\.5, 1/s,
        ],
        [post(reader, { target: key, action: 'submit', rating: '7' }), /rating/],
        [post(reader, { target: key, action: 'submit' }), /give a rating, labels, a comment or a corrected answer/],
        [post(reader, { target: 'inference:../x', action: 'submit', rating: '1' }), /requestId|request id/],
        [get(reader, '/console/feedback?model=dev.qs.docs_qa&days=0'), /days/],
        [get(reader, '/console/calibrations?judge='.concat('x'.repeat(101))), /judge/],
      ];
      for (const [res, message] of cases) {
        const r = await res;
        const body = await r.text();
        expect(r.status, body.slice(0, 300)).toBe(400);
        expect(body).toMatch(message);
      }
      expect((await listFeedback(f.eval.adminCtx, { source: 'reviewer' })).items.length).toBe(before);
    });

    it('answers NUL bytes, long runs without whitespace and huge values with a 400 page, never a 5xx', async () => {
      const before = (await listFeedback(f.eval.adminCtx, { source: 'reviewer' })).items.length;
      const key = `eval_row:${f.run.id}:q002`;
      const run = 'x'.repeat(100_000);
      const cases: [Response | Promise<Response>, RegExp][] = [
        [post(reader, { target: key, action: 'submit', comment: 'a\u0000b' }), /comment/],
        [post(reader, { target: key, action: 'submit', comment: run }), /comment/],
        [post(reader, { target: key, action: 'submit', correctedAnswer: 'a\u0000b' }), /correctedAnswer/],
        [post(reader, { target: `inference:${run}`, action: 'submit', rating: '1' }), /requestId|request id/],
        [post(reader, { target: `eval_row:${f.run.id}:q\u0000`, action: 'skip' }), /rowId|row/],
        [get(reader, '/console/review?source=%00'), /source/],
        [get(reader, `/console/review?skipped=${run}`), /skipped/],
        [get(reader, '/console/feedback?endpoint=a%00b'), /endpoint/],
        [get(reader, '/console/feedback?model=a%00b'), /model/],
        [get(reader, '/console/calibrations?judge=a%00b'), /judge/],
        [get(reader, '/console/calibrations?criterion=a%00b'), /criterion/],
        [get(reader, '/console/promotions?model=a%00b'), /model/],
        [get(reader, `/console/promotions?pageToken=${run}`), /pageToken/],
        [get(reader, '/console/promotions/gd_%00'), /id/],
        [get(reader, '/console/promotions/gd_0123456789ab/compare?dataset=a%00b'), /dataset/],
        [get(reader, '/console/monitoring?pageToken=%00'), /pageToken/],
      ];
      for (const [res, message] of cases) {
        const r = await res;
        const body = await r.text();
        expect(r.status, `${message} ${body.slice(0, 300)}`).toBe(400);
        expect(body).toMatch(message);
      }
      // Past the server's body limit (1 MiB by default): refused before parsing, as on the API.
      const huge = await post(reader, { target: key, action: 'submit', correctedAnswer: 'x'.repeat(2 * 1024 * 1024) });
      expect(huge.status).toBe(413);
      const endpoint = await get(reader, '/console/monitoring/a%00b');
      expect(endpoint.status).toBeGreaterThanOrEqual(400);
      expect(endpoint.status).toBeLessThan(500);
      expect((await listFeedback(f.eval.adminCtx, { source: 'reviewer' })).items.length).toBe(before);
    });

    it('a principal without READ: an empty queue, 404 for the item and the feedback page of the model', async () => {
      const queue = await (await get(outsider, '/console/review')).text();
      expect(queue).toContain('Queue done');
      expect(queue).not.toContain(f.run.id);
      const item = await get(outsider, `/console/review/items/${encodeURIComponent(`eval_row:${f.run.id}:q001`)}`);
      expect(item.status).toBe(404);
      expect(await item.text()).not.toContain('What does');
      const label = await post(outsider, { target: `eval_row:${f.run.id}:q001`, action: 'submit', rating: '1' });
      expect(label.status).toBe(404);
      const feedback = await get(outsider, `/console/feedback?model=${EVAL_MODEL}`);
      expect(feedback.status).toBe(404);
      expect(await (await get(outsider, '/console/feedback')).text()).not.toContain(EVAL_MODEL);
    });

    it('shows passage ids without texts where the principal may read the model but not the index', async () => {
      // An index in a schema the reader has no grant on (dev.hidden is not even in the registry).
      const docs = join(f.eval.home, 'hidden-docs');
      await mkdir(docs, { recursive: true });
      await writeFile(join(docs, 'secret.md'), '# Secret\n\nThe vault code is 4711.\n');
      const build = await buildIndex({ home: f.eval.home, name: 'dev.hidden.kb', source: docs });
      const requestId = `req-hidden-${backend}`;
      const row = inferenceRow(requestId, 'someone', {
        indexName: 'dev.hidden.kb',
        indexVersion: build.version,
        retrieved: [{ chunkId: 'secret.md#0', documentId: 'secret.md', score: 0.7 }],
      });
      await f.eval.store.transaction((tx) => insertInferenceRows(tx, [row]));
      const index = { name: 'dev.hidden.kb', version: build.version };
      const stored = await getChunks({ home: f.eval.home, index, chunkIds: ['secret.md#0'] });
      expect(stored.get('secret.md#0')?.text).toContain('4711'); // the text is there: the page withholds it
      const page = await (
        await get(reader, `/console/review/items/${encodeURIComponent(`inference:${requestId}`)}`)
      ).text();
      expect(page).toContain('secret.md#0');
      expect(page).toContain('Text not available');
      expect(page).not.toContain('4711');
    });

    it('feedback over time counts the reviewer label of today, apart from end users', async () => {
      const page = await (await get(reader, `/console/feedback?model=${EVAL_MODEL}`)).text();
      expect(page).toContain('No end users feedback in these 30 days.');
      expect(page).toMatch(/data-source="reviewer" data-version="1"/);
      expect(page).toContain(`<td>${new Date().toISOString().slice(0, 10)}</td>`);
      expect(page).toContain('<svg class="chart"');
    });
  });
}
