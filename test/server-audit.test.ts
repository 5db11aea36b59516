// Audit completeness: every mutating route (derived from the app) is called once with its own
// request id, and each call must leave an audit row carrying that id.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type InferenceRow, insertInferenceRows } from '@ragops/core';
import type { IndexBuild } from '@ragops/rag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Backend,
  buildSampleIndex,
  createTestServer,
  registeredRoutes,
  samplePackage,
  type TestServer,
  testBackends,
} from './server-fixture.ts';

function auditInferenceRow(): InferenceRow {
  const none = { indexName: null, indexVersion: null, promptSha256: null, llmProvider: null, llmModel: null };
  return {
    ...none,
    requestId: 'audit-served-1',
    ts: new Date().toISOString(),
    endpoint: 'docs',
    source: 'http',
    servedEntity: 'champion',
    trafficArm: 'live',
    assignment: 'single',
    modelUri: 'models:/dev.support.docs_qa/1',
    modelName: 'dev.support.docs_qa',
    modelVersion: 1,
    llmFallbackFrom: null,
    status: 'ok',
    httpStatus: 200,
    errorCode: null,
    errorMessage: null,
    latencyTotalMs: 1,
    latencyRetrievalMs: null,
    latencyGenerationMs: null,
    ttftMs: null,
    tokensIn: null,
    tokensOut: null,
    tokensSource: null,
    costUsd: null,
    finishReason: 'stop',
    stream: false,
    caller: 'admin',
    stickyKey: null,
    requestMessages: null,
    answer: 'an answer',
    retrieved: null,
  };
}

type Step = { route: string; path: string | (() => string); body?: unknown | (() => unknown); actions: string[] };

const M = '/api/v1/models/dev.support.docs_qa';
const grant = { principal: 'carol', privilege: 'READ', securable: { type: 'schema', name: 'dev.support' } };

describe.each(testBackends())('audit completeness (%s)', (backend: Backend) => {
  let s: TestServer;
  let tokenId = '';
  let build: IndexBuild;
  let evalsDir = '';
  beforeAll(async () => {
    evalsDir = await mkdtemp(join(tmpdir(), 'ragops-audit-evals-'));
    await writeFile(join(evalsDir, 'qa.jsonl'), `${JSON.stringify({ id: 'q1', question: 'How fast are refunds?' })}\n`);
    s = await createTestServer(backend, { RAGOPS_EVALS_DIR: evalsDir });
    build = await buildSampleIndex(s);
    // A served request of dev.support.docs_qa/1 for the reviewer-feedback step (rows are written by
    // serving's writer; here core's insert, as the model's version is created by an earlier step).
    await s.store.transaction((tx) => insertInferenceRows(tx, [auditInferenceRow()]));
  });
  afterAll(async () => {
    await s?.close();
    await rm(evalsDir, { recursive: true, force: true });
  });

  // In order; each step's route must succeed and write rows with these actions.
  const steps: Step[] = [
    { route: 'POST /api/v1/catalogs/init', path: '/api/v1/catalogs/init', actions: ['catalog.create'] },
    { route: 'POST /api/v1/catalogs', path: '/api/v1/catalogs', body: { name: 'qa' }, actions: ['catalog.create'] },
    {
      route: 'POST /api/v1/catalogs/:catalog/schemas',
      path: '/api/v1/catalogs/dev/schemas',
      body: { name: 'support' },
      actions: ['schema.create'],
    },
    {
      route: 'POST /api/v1/models',
      path: '/api/v1/models',
      body: { name: 'dev.support.docs_qa' },
      actions: ['model.create'],
    },
    { route: 'PATCH /api/v1/models/:name', path: M, body: { description: 'answers docs' }, actions: ['model.update'] },
    {
      route: 'POST /api/v1/models/:name/versions',
      path: `${M}/versions`,
      body: () => ({ package: samplePackage({ build }) }),
      actions: ['version.create'],
    },
    {
      route: 'PATCH /api/v1/models/:name/versions/:version',
      path: `${M}/versions/1`,
      body: { tags: { team: 'docs' } },
      actions: ['version.update'],
    },
    {
      route: 'POST /api/v1/feedback',
      path: '/api/v1/feedback',
      body: { target: { kind: 'inference', requestId: 'audit-served-1' }, rating: { scale: 'thumbs', value: 1 } },
      actions: ['feedback.submit'],
    },
    {
      route: 'PUT /api/v1/models/:name/aliases/:alias',
      path: `${M}/aliases/champion`,
      body: { version: 1, reason: 'first' },
      actions: ['alias.set'],
    },
    {
      // No gate on challenger: the decision is `ungated` and the alias moves as a plain set would.
      route: 'POST /api/v1/models/:name/promotions',
      path: `${M}/promotions`,
      body: { version: 1, alias: 'challenger', reason: 'ungated' },
      actions: ['promotion.decide', 'alias.set'],
    },
    {
      route: 'POST /api/v1/endpoints',
      path: '/api/v1/endpoints',
      body: { name: 'docs', config: { served: [{ model: 'models:/dev.support.docs_qa@champion', traffic: 100 }] } },
      actions: ['endpoint.create'],
    },
    {
      route: 'PUT /api/v1/endpoints/:name',
      path: '/api/v1/endpoints/docs',
      body: { served: [{ model: 'models:/dev.support.docs_qa/1', traffic: 100 }] },
      actions: ['endpoint.update'],
    },
    { route: 'DELETE /api/v1/endpoints/:name', path: '/api/v1/endpoints/docs', actions: ['endpoint.delete'] },
    {
      route: 'POST /api/v1/eval-runs',
      path: '/api/v1/eval-runs',
      body: { model: 'models:/dev.support.docs_qa/1', dataset: 'qa', judges: ['token_f1'] },
      actions: ['eval_run.create'],
    },
    {
      route: 'POST /api/v1/models/:name/versions/copy',
      path: '/api/v1/models/dev.support.docs_qa_copy/versions/copy',
      body: { source: 'models:/dev.support.docs_qa@champion' },
      actions: ['model.create', 'version.copy'],
    },
    {
      route: 'DELETE /api/v1/models/:name/aliases/:alias',
      path: `${M}/aliases/champion?reason=retired`,
      actions: ['alias.delete'],
    },
    {
      route: 'DELETE /api/v1/models/:name/versions/:version',
      path: '/api/v1/models/dev.support.docs_qa_copy/versions/1',
      actions: ['version.delete'],
    },
    {
      route: 'POST /api/v1/principals',
      path: '/api/v1/principals',
      body: { name: 'carol' },
      actions: ['principal.create'],
    },
    { route: 'POST /api/v1/tokens', path: '/api/v1/tokens', body: { principal: 'carol' }, actions: ['token.create'] },
    { route: 'DELETE /api/v1/tokens/:id', path: () => `/api/v1/tokens/${tokenId}`, actions: ['token.revoke'] },
    { route: 'POST /api/v1/grants', path: '/api/v1/grants', body: grant, actions: ['grant.add'] },
    { route: 'POST /api/v1/grants/revoke', path: '/api/v1/grants/revoke', body: grant, actions: ['grant.revoke'] },
  ];

  // Mutations of the governed catalog live under /api; serving calls (/v1/chat/completions, invocations)
  // are recorded in the inference table instead.
  it('covers every mutating route of the app', () => {
    const mutating = registeredRoutes(s.app).filter((r) => /^(POST|PUT|PATCH|DELETE) \/api\//.test(r));
    expect(steps.map((st) => st.route).sort()).toEqual(mutating);
  });

  it('every mutating route writes audit rows carrying its request id', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    for (const [i, step] of steps.entries()) {
      const requestId = `audit-${backend}-${i}`;
      const [method] = step.route.split(' ') as [string];
      const path = typeof step.path === 'function' ? step.path() : step.path;
      const body = typeof step.body === 'function' ? step.body() : step.body;
      const res = await s.call(method, path, { body, headers: { 'x-request-id': requestId } });
      expect(res.status, `${step.route}: ${await res.clone().text()}`).toBeLessThan(300);
      expect(res.headers.get('x-request-id')).toBe(requestId);
      if (step.route === 'POST /api/v1/tokens') tokenId = ((await res.json()) as { info: { id: string } }).info.id;
    }

    const audit = await s.call('GET', `/api/v1/audit?since=${encodeURIComponent(since)}&pageSize=1000`);
    expect(audit.status).toBe(200);
    const rows = ((await audit.json()) as { items: { requestId: string; action: string; principal: string }[] }).items;
    for (const [i, step] of steps.entries()) {
      const requestId = `audit-${backend}-${i}`;
      const actions = rows.filter((r) => r.requestId === requestId).map((r) => r.action);
      for (const action of step.actions) expect(actions, `${step.route} (${requestId})`).toContain(action);
    }
    expect(rows.every((r) => r.principal === 'admin')).toBe(true);

    // The alias move is audited with from, to and why.
    const moves = rows.filter((r) => r.action.startsWith('alias.'));
    expect(moves).toMatchObject([
      { action: 'alias.set', after: { version: 1 }, details: { reason: 'first' } },
      { action: 'alias.set', objectName: 'models:/dev.support.docs_qa@challenger', details: { reason: 'ungated' } },
      { action: 'alias.delete', before: { version: 1 }, details: { reason: 'retired' } },
    ]);
  });

  it('?since= filters by time', async () => {
    const future = new Date(Date.now() + 60_000).toISOString();
    const res = await s.call('GET', `/api/v1/audit?since=${encodeURIComponent(future)}`);
    expect(await res.json()).toEqual({ items: [] });
  });
});
