// Bearer auth (401), privileges (403) and visibility (404) through the real app and a real store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Backend,
  createTestServer,
  expectErrorShape,
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
    expect(error.message).toMatch(/MANAGE/);
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
