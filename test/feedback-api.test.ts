// Feedback over HTTP, in-process (app.request) on a real store, index and serving runtime: a real
// chat completion is rated by the id it returned; another user's id is a 404; reviewers label and
// read stats; the routes are in /openapi.json; /v1/feedback errors take the ragops shape and write
// no inference row.
import { createEndpoint, queryInferenceRows } from '@ragops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RagopsApp } from '../apps/server/src/app-context.ts';
import type { Lifecycle } from '../apps/server/src/lifecycle.ts';
import { createEvalApp } from './eval-app.ts';
import { EVAL_MODEL, type EvalFixture, startEvalFixture } from './eval-fixture.ts';

describe('feedback API', () => {
  let f: EvalFixture;
  let app: RagopsApp;
  let lifecycle: Lifecycle;
  let alice: string;
  let bob: string;
  let reviewer: string;

  beforeAll(async () => {
    f = await startEvalFixture();
    await f.registerVersion();
    await createEndpoint({
      ...f.adminCtx,
      name: 'docs',
      config: { served: [{ model: `models:/${EVAL_MODEL}/1`, traffic: 100 }] },
    });
    ({ app, lifecycle } = createEvalApp(f));
    alice = (await f.principal('alice', ['EXECUTE'])).token;
    bob = (await f.principal('bob', ['EXECUTE'])).token;
    reviewer = (await f.principal('rev', ['READ'])).token;
  }, 120_000);
  afterAll(async () => {
    await lifecycle?.shutdown();
    await f?.close();
  });

  const call = (token: string | null, method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: { ...(token && { authorization: `Bearer ${token}` }), 'content-type': 'application/json' },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });

  async function completion(token: string): Promise<string> {
    const res = await call(token, 'POST', '/v1/chat/completions', {
      model: 'docs',
      messages: [{ role: 'user', content: 'What does the champion alias mark?' }],
    });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    const requestId = id.replace(/^chatcmpl-/, '');
    // The inference row is written asynchronously (batched); wait for it, generously.
    for (let i = 0; i < 500; i++) {
      if ((await queryInferenceRows(f.store, { requestId })).length > 0) return id;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`inference row of ${id} never arrived`);
  }

  it('an end user rates a completion by its id; a second rating replaces it; another user gets 404', async () => {
    const id = await completion(alice);
    const first = await call(alice, 'POST', '/v1/feedback', {
      id,
      rating: { scale: 'five', value: 2 },
      comment: 'meh',
    });
    expect(first.status, await first.clone().text()).toBe(200);
    expect(await first.json()).toMatchObject({ source: 'end_user', author: 'alice', revision: 1, approved: false });
    const second = await call(alice, 'POST', '/v1/feedback', { id, rating: { scale: 'thumbs', value: 1 } });
    expect(await second.json()).toMatchObject({ revision: 2, approved: true, comment: null });
    const stolen = await call(bob, 'POST', '/v1/feedback', { id, rating: { scale: 'thumbs', value: 0 } });
    expect(stolen.status).toBe(404);
    const unknown = await call(bob, 'POST', '/v1/feedback', {
      id: 'chatcmpl-nope',
      rating: { scale: 'thumbs', value: 0 },
    });
    expect(await stolen.json()).toMatchObject({
      error: {
        code: 'not_found',
        message: ((await unknown.json()) as { error: { message: string } }).error.message.replace('nope', id.slice(9)),
      },
    });
  });

  it('refuses bad bodies and missing tokens in the ragops error shape, without an inference row', async () => {
    const before = (await queryInferenceRows(f.store, { limit: 1000 })).length;
    const cases: [string | null, unknown, number, RegExp][] = [
      [null, { id: 'x', rating: { scale: 'thumbs', value: 1 } }, 401, /bearer token/i],
      [alice, '{"id":', 400, /JSON/i],
      [alice, { id: 'x', rating: { scale: 'thumbs', value: 2 } }, 400, /body\.rating/],
      [alice, { id: 'x y', rating: { scale: 'thumbs', value: 1 } }, 400, /body\.id/],
      [alice, { id: 'x', rating: { scale: 'thumbs', value: 1 }, comment: 'a\u0000b' }, 400, /NUL/],
      [alice, { id: 'x', rating: { scale: 'thumbs', value: 1 }, labels: { correctness: 1 } }, 400, /labels/],
    ];
    for (const [token, body, status, message] of cases) {
      const res = await call(token, 'POST', '/v1/feedback', body);
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect([res.status, json.error.message], JSON.stringify(body)).toEqual([status, expect.stringMatching(message)]);
    }
    expect((await queryInferenceRows(f.store, { limit: 1000 })).length).toBe(before);
  });

  it('a reviewer labels the request, lists feedback and reads stats per source', async () => {
    const id = await completion(bob);
    const labelled = await call(reviewer, 'POST', '/api/v1/feedback', {
      target: { kind: 'inference', requestId: id },
      labels: { groundedness: 1, correctness: 0.5 },
      correctedAnswer: 'The champion alias marks the production version.',
    });
    expect(labelled.status, await labelled.clone().text()).toBe(200);
    const bad = await call(reviewer, 'POST', '/api/v1/feedback', {
      target: { kind: 'inference', requestId: id },
      labels: { correctness: 0.7 },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/correctness/);
    const list = (await (
      await call(reviewer, 'GET', `/api/v1/feedback?model=${EVAL_MODEL}&source=reviewer`)
    ).json()) as {
      items: { author: string }[];
    };
    expect(list.items.map((i) => i.author)).toEqual(['rev']);
    const stats = await call(reviewer, 'GET', `/api/v1/feedback/stats?model=${EVAL_MODEL}&source=end_user`);
    expect(await stats.json()).toMatchObject({ count: 1, approval: { mean: 1, n: 1 } });
    const rstats = await call(reviewer, 'GET', `/api/v1/feedback/stats?model=${EVAL_MODEL}&source=reviewer`);
    expect(await rstats.json()).toMatchObject({ count: 1, perCriterion: { correctness: { mean: 0.5, n: 1 } } });
    expect((await call(reviewer, 'GET', `/api/v1/feedback/stats?model=${EVAL_MODEL}`)).status).toBe(400);
    // alice may EXECUTE but not READ: she may rate her own requests, not review or read stats.
    expect((await call(alice, 'GET', `/api/v1/feedback/stats?model=${EVAL_MODEL}&source=end_user`)).status).toBe(403);
  });

  it('documents the routes in /openapi.json', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, object> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/feedback', '/api/v1/feedback', '/api/v1/feedback/stats']),
    );
  });
});
