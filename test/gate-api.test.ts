// The gate over REST in-process (app.request): PUT …/aliases/… refuses a gated alias (409 naming the
// gate), force + reason is an override (MANAGE), POST …/promotions decides on stored runs, GET lists.
import { gatePolicySchema, setAlias } from '@ragops/core';
import { createEvalRun, createJudges, loadEvalDataset, runEval, syncGates } from '@ragops/evals';
import { createChainHost } from '@ragops/rag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RagopsApp } from '../apps/server/src/app-context.ts';
import type { Lifecycle } from '../apps/server/src/lifecycle.ts';
import { createEvalApp } from './eval-app.ts';
import { EVAL_MODEL, type EvalFixture, startEvalFixture } from './eval-fixture.ts';

describe('promotions API', () => {
  let f: EvalFixture;
  let app: RagopsApp;
  let lifecycle: Lifecycle;
  let manager: string;
  let reader: string;
  let nobody: string;

  beforeAll(async () => {
    f = await startEvalFixture();
    await f.registerVersion();
    await f.registerVersion();
    const dataset = await loadEvalDataset(await f.writeDataset('qa', 6));
    const host = createChainHost({ store: f.store, home: f.home, providers: {}, actorName: 'system:evals' });
    for (const v of [1, 2]) {
      const judges = createJudges({ names: ['token_f1', 'recall@3'], k: 3 });
      const run = await createEvalRun({ ...f.adminCtx, modelUri: `models:/${EVAL_MODEL}/${v}`, dataset, judges });
      await runEval({ host, store: f.store, run, dataset, judges });
    }
    await setAlias({ ...f.adminCtx, name: EVAL_MODEL, alias: 'champion', version: 1 });
    const policy = gatePolicySchema.parse({ datasets: ['qa'], noRegression: { metrics: ['token_f1'] } });
    await syncGates({ ...f.adminCtx, gates: { [EVAL_MODEL]: { champion: policy } }, source: 'ragops.yaml' });
    ({ app, lifecycle } = createEvalApp(f));
    manager = (await f.principal('gate_manager', ['READ', 'MANAGE'])).token;
    reader = (await f.principal('gate_reader', ['READ'])).token;
    nobody = (await f.principal('gate_nobody', [])).token;
  }, 120_000);
  afterAll(async () => {
    await lifecycle?.shutdown();
    await f?.close();
  });

  const call = (token: string, method: string, path: string, body?: unknown) =>
    app.request(`/api/v1/models/${EVAL_MODEL}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });

  it('PUT on a gated alias is a 409 naming the gate; force without a reason is a 400; with one, an override', async () => {
    const plain = await call(manager, 'PUT', '/aliases/champion', { version: 2 });
    expect(plain.status).toBe(409);
    expect(((await plain.json()) as { error: { message: string } }).error.message).toMatch(
      /gates\.dev\.qs\.docs_qa\.champion/,
    );
    expect((await call(manager, 'PUT', '/aliases/champion', { version: 2, force: true })).status).toBe(400);
    expect((await call(reader, 'PUT', '/aliases/champion', { version: 2, force: true, reason: 'x' })).status).toBe(403);
    const forced = await call(manager, 'PUT', '/aliases/champion', { version: 2, force: true, reason: 'hotfix' });
    expect(forced.status).toBe(200);
    expect(await forced.json()).toMatchObject({ fromVersion: 1, toVersion: 2, reason: 'hotfix' });
  });

  it('POST promotions decides on stored runs and moves on pass; bad bodies are 400; GET lists the log', async () => {
    expect((await call(manager, 'POST', '/promotions', { version: 1, alias: 'Champion!' })).status).toBe(400);
    expect((await call(manager, 'POST', '/promotions', { version: 1, alias: 'champion', extra: 1 })).status).toBe(400);
    expect((await call(reader, 'POST', '/promotions', { version: 1, alias: 'champion' })).status).toBe(403);
    const res = await call(manager, 'POST', '/promotions', { version: 1, alias: 'champion', reason: 'back to v1' });
    expect(res.status).toBe(200);
    const d = (await res.json()) as { outcome: string; moved: boolean; holderVersion: number };
    expect(d).toMatchObject({ outcome: 'passed', moved: true, holderVersion: 2 });
    const log = await call(reader, 'GET', '/promotions?alias=champion');
    expect(log.status).toBe(200);
    const items = ((await log.json()) as { items: { outcome: string }[] }).items;
    expect(items.map((i) => i.outcome)).toEqual(['passed', 'override']);
    // A principal that may not read the model learns nothing of it: neither its decisions nor that it exists.
    expect((await call(nobody, 'GET', '/promotions')).status).toBe(404);
    expect((await call(nobody, 'POST', '/promotions', { version: 1, alias: 'champion' })).status).toBe(404);
  });
});
