// /api/v1/eval-runs in-process (app.request), over a real store with the evals tables and a real index.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RagopsApp } from '../apps/server/src/app-context.ts';
import type { Lifecycle } from '../apps/server/src/lifecycle.ts';
import { createEvalApp } from './eval-app.ts';
import { EVAL_MODEL, type EvalFixture, startEvalFixture } from './eval-fixture.ts';

describe('eval runs API', () => {
  let f: EvalFixture;
  let app: RagopsApp;
  let lifecycle: Lifecycle;
  let admin: string;
  let reader: string;
  let nobody: string;

  beforeAll(async () => {
    f = await startEvalFixture();
    await f.registerVersion();
    await f.writeDataset('qa', 5);
    ({ app, lifecycle } = createEvalApp(f));
    admin = (await f.principal('api_admin_like', ['EXECUTE', 'READ'])).token;
    reader = (await f.principal('api_reader', ['READ'])).token;
    nobody = (await f.principal('api_nobody', [])).token;
  }, 120_000);
  afterAll(async () => {
    await lifecycle?.shutdown();
    await f?.close();
  });

  const call = (token: string, method: string, path: string, body?: unknown) =>
    app.request(`/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });

  it('starts a run (202), which completes in the background; rows and aggregates are readable', async () => {
    const res = await call(admin, 'POST', '/eval-runs', {
      model: `models:/${EVAL_MODEL}/1`,
      dataset: 'qa',
      judges: ['token_f1', 'recall@3'],
    });
    expect(res.status).toBe(202);
    const started = (await res.json()) as { id: string; status: string };
    expect(started.status).toBe('running');
    let run: { status: string; rowsDone: number; aggregates: { metrics: { judge: string; overall: { n: number } }[] } };
    for (let i = 0; ; i++) {
      run = (await (await call(reader, 'GET', `/eval-runs/${started.id}`)).json()) as typeof run;
      if (run.status !== 'running' || i > 400) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(run).toMatchObject({ status: 'completed', rowsDone: 5 });
    expect(run.aggregates.metrics.map((m) => [m.judge, m.overall.n])).toEqual([
      ['token_f1', 5],
      ['recall@3', 5],
    ]);
    const rows = (await (await call(reader, 'GET', `/eval-runs/${started.id}/rows?pageSize=2`)).json()) as {
      items: { rowId: string }[];
      nextPageToken?: string;
    };
    expect(rows.items.map((r) => r.rowId)).toEqual(['q001', 'q002']);
    expect(rows.nextPageToken).toBeDefined();
    const listed = (await (await call(reader, 'GET', `/eval-runs?model=${EVAL_MODEL}`)).json()) as {
      items: { id: string }[];
    };
    expect(listed.items.map((r) => r.id)).toContain(started.id);

    // Reading needs READ: hidden from a principal without it (404, as if absent), and not listed.
    expect((await call(nobody, 'GET', `/eval-runs/${started.id}`)).status).toBe(404);
    expect((await call(nobody, 'GET', `/eval-runs/${started.id}/rows`)).status).toBe(404);
    const none = (await (await call(nobody, 'GET', '/eval-runs')).json()) as { items: unknown[] };
    expect(none.items).toEqual([]);
  }, 60_000);

  it('running needs EXECUTE (403); bad bodies and dataset names are 400', async () => {
    const denied = await call(reader, 'POST', '/eval-runs', { model: `models:/${EVAL_MODEL}/1`, dataset: 'qa' });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: { message: string } }).error.message).toMatch(/EXECUTE/);
    const hidden = await call(nobody, 'POST', '/eval-runs', { model: `models:/${EVAL_MODEL}/1`, dataset: 'qa' });
    expect(hidden.status).toBe(404);
    const outside = await call(admin, 'POST', '/eval-runs', {
      model: `models:/${EVAL_MODEL}/1`,
      dataset: '../../etc/passwd',
    });
    expect(outside.status).toBe(400);
    const extra = await call(admin, 'POST', '/eval-runs', {
      model: `models:/${EVAL_MODEL}/1`,
      dataset: 'qa',
      repeats: 99,
    });
    expect(extra.status).toBe(400);
    expect(((await extra.json()) as { error: { message: string } }).error.message).toMatch(/repeats/);
    const judge = await call(admin, 'POST', '/eval-runs', {
      model: `models:/${EVAL_MODEL}/1`,
      dataset: 'qa',
      judges: ['nope'],
    });
    expect(judge.status).toBe(400);
    // An LLM judge needs a judge model of a configured provider: the body's fault, named, never a 500.
    const noModel = await call(admin, 'POST', '/eval-runs', {
      model: `models:/${EVAL_MODEL}/1`,
      dataset: 'qa',
      judges: ['groundedness'],
    });
    expect(noModel.status).toBe(400);
    expect(((await noModel.json()) as { error: { message: string } }).error.message).toMatch(/body\.judgeModel/);
    const unknownProvider = await call(admin, 'POST', '/eval-runs', {
      model: `models:/${EVAL_MODEL}/1`,
      dataset: 'qa',
      judges: ['groundedness'],
      judgeModel: 'nope/judge-1',
    });
    expect(unknownProvider.status).toBe(400);
    expect(((await unknownProvider.json()) as { error: { message: string } }).error.message).toMatch(
      /body\.judgeModel: Unknown LLM provider "nope"/,
    );
    expect((await call(admin, 'GET', '/eval-runs/not-an-id')).status).toBe(400);
    expect((await call(admin, 'GET', '/eval-runs/er_000000000000')).status).toBe(404);
  });
});
