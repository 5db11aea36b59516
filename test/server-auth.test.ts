// Bearer auth (401), privileges (403) and visibility (404) through the real app and a real store.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildIndex } from '@ragops/rag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexPinCases, PIN_OBJECTS } from '../packages/core/src/store/contract/grants-matrix.ts';
import {
  type Backend,
  createTestServer,
  expectErrorShape,
  samplePackage,
  seedRegistry,
  type TestServer,
  testBackends,
} from './server-fixture.ts';

describe.each(testBackends())('auth and privileges (%s)', (backend: Backend) => {
  let s: TestServer;
  let bob: string;
  beforeAll(async () => {
    s = await createTestServer(backend);
    await seedRegistry(s);
    bob = await s.userToken('bob');
  });
  afterAll(async () => s?.close());

  it.each([
    ['no Authorization header', null, {}],
    ['a Basic header', null, { authorization: 'Basic YWRtaW46YWRtaW4=' }],
    ['an unknown token', 'rgo_not-a-real-token', {}],
    ['garbage', 'x', {}],
  ])('401 with %s', async (_what, token, headers) => {
    const res = await s.call('GET', '/api/v1/catalogs', { token, headers });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await expectErrorShape(res)).code).toBe('unauthenticated');
  });

  it('401 for a revoked token, which worked before', async () => {
    const created = await s.call('POST', '/api/v1/tokens', { body: { description: 'short-lived' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const { token, info } = (await created.json()) as { token: string; info: { id: string } };
    expect((await s.call('GET', '/api/v1/me', { token })).status).toBe(200);
    const revoked = await s.call('DELETE', `/api/v1/tokens/${info.id}`);
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { revokedAt: string | null }).revokedAt).not.toBeNull();
    const after = await s.call('GET', '/api/v1/me', { token });
    expect(after.status).toBe(401);
    expect((await expectErrorShape(after)).code).toBe('unauthenticated');
  });

  it('ops and docs routes need no token', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs']) {
      expect((await s.call('GET', path, { token: null })).status, path).toBe(200);
    }
  });

  it('/me names the caller', async () => {
    const res = await s.call('GET', '/api/v1/me', { token: bob });
    expect(await res.json()).toMatchObject({ name: 'bob', isAdmin: false });
  });

  it('403 for admin-only actions by a non-admin', async () => {
    for (const [method, path, body] of [
      ['POST', '/api/v1/catalogs', { name: 'bobs' }],
      ['GET', '/api/v1/audit', undefined],
      ['GET', '/api/v1/principals', undefined],
      ['POST', '/api/v1/principals', { name: 'eve' }],
      ['POST', '/api/v1/tokens', { principal: 'admin' }],
    ] as const) {
      const res = await s.call(method, path, { token: bob, body });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect((await expectErrorShape(res)).code).toBe('permission_denied');
    }
  });

  it('404 for what the caller may not see, 200 once granted READ, 403 for MANAGE without it', async () => {
    const model = '/api/v1/models/dev.support.docs_qa';
    const hidden = await s.call('GET', model, { token: bob });
    expect(hidden.status).toBe(404);
    expect((await expectErrorShape(hidden)).code).toBe('not_found');
    // Invisible and non-existent look the same.
    const missing = await s.call('GET', '/api/v1/models/dev.support.nothing_here', { token: bob });
    expect(missing.status).toBe(404);
    expect((await s.call('GET', '/api/v1/models', { token: bob }).then((r) => r.json())) as unknown).toEqual({
      items: [],
    });

    for (const [privilege, type, name] of [
      ['USE_CATALOG', 'catalog', 'dev'],
      ['USE_SCHEMA', 'schema', 'dev.support'],
      ['READ', 'model', 'dev.support.docs_qa'],
    ] as const) {
      const grant = await s.call('POST', '/api/v1/grants', {
        body: { principal: 'bob', privilege, securable: { type, name } },
      });
      expect(grant.status, privilege).toBe(200);
    }
    expect((await s.call('GET', model, { token: bob })).status).toBe(200);
    expect((await s.call('GET', `${model}/versions/1`, { token: bob })).status).toBe(200);
    expect(
      (await s.call('GET', '/api/v1/lineage?uri=models:/dev.support.docs_qa@champion', { token: bob })).status,
    ).toBe(200);

    const move = await s.call('PUT', `${model}/aliases/champion`, { token: bob, body: { version: 1 } });
    expect(move.status).toBe(403);
    const error = await expectErrorShape(move);
    expect(error.code).toBe('permission_denied');
    expect(error.message).toBe('principal "bob" lacks MANAGE on model "dev.support.docs_qa"');
    // A denied mutation changed nothing and wrote no audit row.
    const audit = await s.call('GET', `/api/v1/audit?principal=bob`);
    expect(((await audit.json()) as { items: unknown[] }).items).toEqual([]);
  });

  it('a non-admin sees only its own tokens and grants', async () => {
    const mine = (await (await s.call('GET', '/api/v1/tokens', { token: bob })).json()) as {
      items: { principal: string }[];
    };
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((t) => t.principal === 'bob')).toBe(true);
    expect((await s.call('GET', '/api/v1/tokens?all=true', { token: bob })).status).toBe(403);
    expect((await s.call('GET', '/api/v1/grants?principal=admin', { token: bob })).status).toBe(403);
    expect((await s.call('GET', '/api/v1/principals/admin', { token: bob })).status).toBe(403);
  });
});

// The grants matrix's index-pinning cases (packages/core/src/store/contract/grants-matrix.ts) through
// the API: POST …/versions with a package pinning prod.secret.docs, and POST …/versions/copy.
describe.each(testBackends())('index pinning across catalogs over the API (%s)', (backend: Backend) => {
  let s: TestServer;
  let pkg: ReturnType<typeof samplePackage>;
  beforeAll(async () => {
    s = await createTestServer(backend);
    const docs = join(s.config.home, 'secret-docs');
    await mkdir(docs, { recursive: true });
    await writeFile(join(docs, 'launch.md'), '# Launch\n\nThe launch code is 0000 (prod only).\n');
    const build = await buildIndex({ home: s.config.home, name: PIN_OBJECTS.index, source: docs });
    pkg = samplePackage({ build });
    const steps: [string, string, unknown?][] = [
      ['POST', '/api/v1/catalogs/init'],
      ...['g', 'h'].map((n): [string, string, unknown] => ['POST', '/api/v1/catalogs/dev/schemas', { name: n }]),
      ...['secret', 'other'].map((n): [string, string, unknown] => [
        'POST',
        '/api/v1/catalogs/prod/schemas',
        { name: n },
      ]),
      ['POST', `/api/v1/models/${PIN_OBJECTS.prodModel}/versions`, { package: pkg }],
      ['POST', `/api/v1/models/${PIN_OBJECTS.devModel}/versions`, { package: pkg }],
    ];
    for (const [method, path, body] of steps) {
      const res = await s.call(method, path, body === undefined ? {} : { body });
      if (res.status >= 300) throw new Error(`setup ${method} ${path}: ${res.status} ${await res.text()}`);
    }
  });
  afterAll(async () => s?.close());

  it.each(indexPinCases().map((c, i) => [c.title, c, i] as const))('%s', async (_title, c, i) => {
    const who = `pinner_${i}`;
    const token = await s.userToken(who);
    for (const g of c.grants) {
      const res = await s.call('POST', '/api/v1/grants', {
        body: { principal: who, privilege: g.privilege, securable: { type: g.type, name: g.name } },
      });
      expect(res.status, `grant ${g.privilege} on ${g.name}`).toBe(200);
    }
    const target = `/api/v1/models/${PIN_OBJECTS.targetSchema}.pin_${i}`;
    const source = `models:/${c.via === 'copy-from-prod' ? PIN_OBJECTS.prodModel : PIN_OBJECTS.devModel}/1`;
    const res =
      c.via === 'register'
        ? await s.call('POST', `${target}/versions`, { token, body: { package: pkg } })
        : await s.call('POST', `${target}/versions/copy`, { token, body: { source } });
    if (c.expect === 'allowed') {
      expect(res.status, await res.clone().text()).toBe(201);
      return;
    }
    expect(res.status).toBe(c.expect === 'not_found' ? 404 : 403);
    const error = await expectErrorShape(res);
    expect(error.code).toBe(c.expect);
    if (c.message) expect(error.message).toMatch(c.message);
    // Nothing was created: the target model does not exist.
    expect((await s.call('GET', target)).status).toBe(404);
  });

  it('lineage over the API shows a pinned prod build only to a reader of the index', async () => {
    const token = await s.userToken('dev_reader');
    for (const [privilege, type, name] of [
      ['USE_CATALOG', 'catalog', 'dev'],
      ['USE_SCHEMA', 'schema', 'dev.h'],
      ['READ', 'model', PIN_OBJECTS.devModel],
    ] as const) {
      await s.call('POST', '/api/v1/grants', {
        body: { principal: 'dev_reader', privilege, securable: { type, name } },
      });
    }
    const path = `/api/v1/lineage?uri=${encodeURIComponent(`models:/${PIN_OBJECTS.devModel}/1`)}`;
    const hidden = await s.call('GET', path, { token });
    expect(hidden.status).toBe(200);
    const text = await hidden.text();
    expect(text).not.toContain('launch.md');
    expect(text).not.toContain('secret-docs');
    const body = JSON.parse(text) as { upstream: { index: { build: unknown; buildHidden: string | null } } };
    expect(body.upstream.index.build).toBeNull();
    expect(body.upstream.index.buildHidden).toMatch(/index "prod\.secret\.docs" not found/);
    const shown = (await (await s.call('GET', path)).json()) as typeof body;
    expect(shown.upstream.index).toMatchObject({ buildHidden: null, build: { documents: [{ id: 'launch.md' }] } });
  });
});
