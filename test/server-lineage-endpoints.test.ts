// Lineage lists the endpoints that serve a version — also through an alias, shown under the version
// the alias points to now (issue 8 item 3) — and a denied caller is told exactly which privileges it
// lacks, through the registry API and through serving (issue 8 item 6). SQLite and PostgreSQL.
import type { IndexBuild } from '@ragops/rag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Backend,
  createTestServer,
  expectErrorShape,
  samplePackage,
  seedRegistry,
  type TestServer,
  testBackends,
} from './server-fixture.ts';

const MODEL = 'dev.support.docs_qa';
type Link = { kind: string; ref: string; relation: string; via?: string };

describe.each(testBackends())('lineage links and denial messages (%s)', (backend: Backend) => {
  let s: TestServer;
  let build: IndexBuild;
  const ok = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await s.call(method, path, { ...(body === undefined ? {} : { body }), ...(token ? { token } : {}) });
    const text = await res.text();
    expect(res.status, `${method} ${path}: ${text}`).toBeLessThan(300);
    return JSON.parse(text) as unknown;
  };
  const linksOf = async (version: number) =>
    (
      (await ok('GET', `/api/v1/lineage?uri=${encodeURIComponent(`models:/${MODEL}/${version}`)}`)) as {
        downstream: { links: Link[] };
      }
    ).downstream.links.map(({ kind, ref, relation, via }) => ({ kind, ref, relation, ...(via ? { via } : {}) }));

  beforeAll(async () => {
    s = await createTestServer(backend);
    build = await seedRegistry(s);
  });
  afterAll(async () => s?.close());

  it('records endpoint links: an alias target shows under the version it points to, saying via which alias', async () => {
    await ok('POST', '/api/v1/endpoints', {
      name: 'docs-qa',
      config: { served: [{ model: `models:/${MODEL}@champion`, traffic: 100 }] },
    });
    expect(await linksOf(1)).toEqual([{ kind: 'endpoint', ref: 'docs-qa', relation: 'serves', via: 'champion' }]);

    // The alias moves: the link follows it, with nothing rewritten.
    await ok('POST', `/api/v1/models/${MODEL}/versions`, {
      package: { ...samplePackage({ build }), run: { author: 'admin', createdAt: '2026-11-30T00:00:00.000Z' } },
    });
    await ok('PUT', `/api/v1/models/${MODEL}/aliases/champion`, { version: 2, reason: 'better' });
    expect(await linksOf(1)).toEqual([]);
    expect(await linksOf(2)).toEqual([
      { kind: 'endpoint', ref: 'docs-qa', relation: 'serves', via: 'champion' },
      // Version 2 is also @latest, which no endpoint names: nothing shows for it.
    ]);

    // An update replaces the links: v1 served by number, the champion as shadow.
    await ok('PUT', '/api/v1/endpoints/docs-qa', {
      served: [{ model: `models:/${MODEL}/1`, traffic: 100 }],
      shadow: { model: `models:/${MODEL}@champion` },
    });
    expect(await linksOf(1)).toEqual([{ kind: 'endpoint', ref: 'docs-qa', relation: 'serves' }]);
    expect(await linksOf(2)).toEqual([{ kind: 'endpoint', ref: 'docs-qa', relation: 'shadows', via: 'champion' }]);

    await ok('DELETE', '/api/v1/endpoints/docs-qa');
    expect(await linksOf(1)).toEqual([]);
    expect(await linksOf(2)).toEqual([]);
  });

  it('names exactly the missing privileges: EXECUTE on the model alone is not enough to call it', async () => {
    await ok('POST', '/api/v1/endpoints', {
      name: 'docs-bob',
      config: { served: [{ model: `models:/${MODEL}@champion`, traffic: 100 }] },
    });
    const bob = await s.userToken('bob');
    const grant = (privilege: string, type: string, name: string) =>
      ok('POST', '/api/v1/grants', { principal: 'bob', privilege, securable: { type, name } });
    await grant('EXECUTE', 'model', MODEL);
    const chat = () =>
      s.call('POST', '/v1/chat/completions', {
        token: bob,
        body: { model: 'docs-bob', messages: [{ role: 'user', content: 'How fast are refunds?' }] },
      });

    const denied = await chat();
    expect(denied.status).toBe(403);
    const body = (await denied.json()) as { error: { message: string } };
    expect(body.error.message).toBe(
      `principal "bob" may not call endpoint "docs-bob": lacks USE_CATALOG on catalog "dev", USE_SCHEMA on schema "dev.support" (needed for EXECUTE on model "${MODEL}")`,
    );
    // The registry API says the same for the same model (not "not found": bob holds a grant on it).
    const version = await s.call('GET', `/api/v1/models/${MODEL}/versions/1`, { token: bob });
    expect(version.status).toBe(403);
    expect((await expectErrorShape(version)).message).toBe(
      `principal "bob" lacks USE_CATALOG on catalog "dev", USE_SCHEMA on schema "dev.support", READ on model "${MODEL}"`,
    );

    await grant('USE_CATALOG', 'catalog', 'dev');
    await grant('USE_SCHEMA', 'schema', 'dev.support');
    // EndpointAccess re-reads grants after its staleness bound; a fresh caller key is not needed.
    let res = await chat();
    for (let i = 0; res.status === 403 && i < 50; i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await chat();
    }
    expect(res.status, await res.clone().text()).toBe(200);
  });

  it('a caller with no grant at all is not told which models an endpoint serves', async () => {
    const eve = await s.userToken('eve');
    const res = await s.call('POST', '/v1/chat/completions', {
      token: eve,
      body: { model: 'docs-bob', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(res.status).toBe(403);
    const message = ((await res.json()) as { error: { message: string } }).error.message;
    expect(message).toBe(
      'principal "eve" may not call endpoint "docs-bob": lacks EXECUTE on a model it serves that the principal may not see',
    );
    expect(message).not.toContain(MODEL);
  });
});
