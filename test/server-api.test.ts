// The registry REST API end to end through the real app and store: what each resource does.
import { getIndexStatus, type IndexBuild } from '@ragops/rag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Backend,
  buildSampleIndex,
  createTestServer,
  expectErrorShape,
  samplePackage,
  seedRegistry,
  type TestServer,
  testBackends,
} from './server-fixture.ts';

const M = '/api/v1/models/dev.support.docs_qa';
type Version = { version: number; uri: string; aliases: string[]; tags: Record<string, string>; source: unknown };

describe.each(testBackends())('registry API (%s)', (backend: Backend) => {
  let s: TestServer;
  let build1: IndexBuild;
  const json = async <T>(method: string, path: string, body?: unknown, status = 200): Promise<T> => {
    const res = await s.call(method, path, body === undefined ? {} : { body });
    const text = await res.text();
    expect(res.status, `${method} ${path}: ${text}`).toBe(status);
    return JSON.parse(text) as T;
  };

  beforeAll(async () => {
    s = await createTestServer(backend);
    build1 = await seedRegistry(s);
  });
  afterAll(async () => s?.close());

  it('catalogs and schemas: create, get, list, 409 on duplicates', async () => {
    expect(await json('POST', '/api/v1/catalogs', { name: 'sandbox', description: 'play' }, 201)).toMatchObject({
      name: 'sandbox',
      owner: 'admin',
    });
    const dup = await s.call('POST', '/api/v1/catalogs', { body: { name: 'sandbox' } });
    expect(dup.status).toBe(409);
    expect((await expectErrorShape(dup)).code).toBe('conflict');
    const catalogs = await json<{ items: { name: string }[] }>('GET', '/api/v1/catalogs');
    expect(catalogs.items.map((c) => c.name)).toEqual(['dev', 'prod', 'sandbox', 'staging']);
    const page = await json<{ items: unknown[]; nextPageToken?: string }>('GET', '/api/v1/catalogs?pageSize=3');
    expect(page.items).toHaveLength(3);
    const next = await json<{ items: { name: string }[] }>(
      'GET',
      `/api/v1/catalogs?pageSize=3&pageToken=${page.nextPageToken}`,
    );
    expect(next.items.map((c) => c.name)).toEqual(['staging']);
    expect(await json('GET', '/api/v1/catalogs/dev/schemas/support')).toMatchObject({ fullName: 'dev.support' });
    expect((await s.call('GET', '/api/v1/catalogs/nope')).status).toBe(404);
  });

  it('models: create, get with aliases, list by schema, patch', async () => {
    await json(
      'POST',
      '/api/v1/models',
      { name: 'dev.support.faq', description: 'faq bot', tags: { team: 'cx' } },
      201,
    );
    const model = await json<{ aliases: { alias: string; version: number }[] }>('GET', M);
    expect(model.aliases).toMatchObject([{ alias: 'champion', version: 1 }]);
    const list = await json<{ items: { fullName: string }[] }>('GET', '/api/v1/models?catalog=dev&schema=support');
    expect(list.items.map((m) => m.fullName)).toEqual(['dev.support.docs_qa', 'dev.support.faq']);
    expect(await json('PATCH', '/api/v1/models/dev.support.faq', { description: 'new' })).toMatchObject({
      description: 'new',
      tags: { team: 'cx' },
    });
  });

  it('versions: immutable packages, numbers never reused, aliases move and resolve', async () => {
    const build2 = await buildSampleIndex(s, { 'returns.md': '# Returns\n\nReturn any item within 30 days.\n' });
    const v2 = await json<Version>('POST', `${M}/versions`, { package: samplePackage({ build: build2 }) }, 201);
    expect(v2.version).toBe(2);
    const refused = await s.call('PATCH', `${M}/versions/2`, { body: { package: samplePackage() } });
    expect(refused.status).toBe(409);
    expect((await expectErrorShape(refused)).message).toMatch(/immutable/);
    expect(await json('PATCH', `${M}/versions/2`, { tags: { stage: 'candidate' } })).toMatchObject({
      tags: { stage: 'candidate' },
    });

    const move = await json('PUT', `${M}/aliases/champion`, { version: 2, reason: 'better' });
    expect(move).toEqual({
      model: 'dev.support.docs_qa',
      alias: 'champion',
      fromVersion: 1,
      toVersion: 2,
      reason: 'better',
    });
    expect(await json<Version>('GET', `${M}/aliases/champion`)).toMatchObject({ version: 2 });
    expect(await json<Version>('GET', `${M}/aliases/latest`)).toMatchObject({ version: 2 });

    const aliased = await s.call('DELETE', `${M}/versions/2`);
    expect(aliased.status).toBe(409);
    await json('DELETE', `${M}/aliases/champion?reason=rollback`);
    expect((await s.call('GET', `${M}/aliases/champion`)).status).toBe(404);
    expect(await json('DELETE', `${M}/versions/2`)).toMatchObject({ deleted: 'models:/dev.support.docs_qa/2' });
    expect((await s.call('GET', `${M}/versions/2`)).status).toBe(404);
    const v3 = await json<Version>('POST', `${M}/versions`, { package: samplePackage({ build: build1 }) }, 201);
    expect(v3.version).toBe(3);
    const versions = await json<{ items: Version[] }>('GET', `${M}/versions`);
    expect(versions.items.map((v) => v.version)).toEqual([3, 1]);
  });

  it('registering pins the index version; deleting its last version unpins it', async () => {
    const pins = async () => Object.keys((await getIndexStatus(s.config.home, 'dev.support.kb')).tags).sort();
    expect(await pins()).toContain(`registry-v${build1.version}`);
    const build3 = await buildSampleIndex(s, { 'warranty.md': '# Warranty\n\nTwo years on all devices.\n' });
    const v = await json<Version>(
      'POST',
      '/api/v1/models/dev.support.pin_test/versions',
      { package: samplePackage({ build: build3 }) },
      201,
    );
    expect(await pins()).toContain(`registry-v${build3.version}`);
    const deleted = await json<{ indexStillPinned: boolean; indexUnpinned: boolean }>(
      'DELETE',
      `/api/v1/models/dev.support.pin_test/versions/${v.version}`,
    );
    expect(deleted).toMatchObject({ indexStillPinned: false, indexUnpinned: true });
    expect(await pins()).not.toContain(`registry-v${build3.version}`);
    // build1 is still pinned by dev.support.docs_qa versions 1 and 3.
    expect(await pins()).toContain(`registry-v${build1.version}`);
  });

  it('a caller without the privilege to register leaves the index version unpinned', async () => {
    const pins = async () => Object.keys((await getIndexStatus(s.config.home, 'dev.support.kb')).tags);
    const build = await buildSampleIndex(s, { 'returns.md': '# Returns\n\nThirty days, no questions.\n' });
    const mallory = await s.userToken('mallory');
    const res = await s.call('POST', '/api/v1/models/dev.support.sneaky/versions', {
      token: mallory,
      body: { package: samplePackage({ build }) },
    });
    expect([403, 404]).toContain(res.status);
    expect(await pins()).not.toContain(`registry-v${build.version}`);
  });

  it('refuses a package whose index build is not here (404) or was built differently (400)', async () => {
    const missing = await s.call('POST', `${M}/versions`, {
      body: { package: { ...samplePackage({ build: build1 }), index: { name: 'dev.support.kb', version: 9999 } } },
    });
    expect(missing.status).toBe(404);
    expect((await expectErrorShape(missing)).message).toMatch(/no build at version 9999/);
    const pkg = samplePackage({ build: build1 });
    const mismatch = await s.call('POST', `${M}/versions`, {
      body: { package: { ...pkg, chain: { ...pkg.chain, embedder: { ...pkg.chain.embedder, dimensions: 7 } } } },
    });
    expect(mismatch.status).toBe(400);
    const error = await expectErrorShape(mismatch);
    expect(error.message).toMatch(/body\.package: .*embedder\.dimensions: spec 7/);
    // Neither attempt created a version.
    const versions = await json<{ items: Version[] }>('GET', `${M}/versions`);
    expect(versions.items.map((v) => v.version)).toEqual([3, 1]);
  });

  it('copy across catalogs keeps lineage both ways', async () => {
    await json('PUT', `${M}/aliases/champion`, { version: 1 });
    const copy = await json<Version>(
      'POST',
      '/api/v1/models/staging.support.docs_qa/versions/copy',
      { source: 'models:/dev.support.docs_qa@champion' },
      201,
    );
    expect(copy).toMatchObject({
      uri: 'models:/staging.support.docs_qa/1',
      source: { uri: 'models:/dev.support.docs_qa/1' },
    });
    const down = await json<{ upstream: { copiedFrom: string[] } }>(
      'GET',
      '/api/v1/lineage?uri=models:/staging.support.docs_qa/1',
    );
    expect(down.upstream.copiedFrom).toEqual(['models:/dev.support.docs_qa/1']);
    const up = await json<{ downstream: { copies: string[]; aliases: string[] } }>(
      'GET',
      `/api/v1/lineage?uri=${encodeURIComponent('models:/dev.support.docs_qa@champion')}`,
    );
    expect(up.downstream).toMatchObject({ copies: ['models:/staging.support.docs_qa/1'], aliases: ['champion'] });
  });

  it('principals, tokens and grants', async () => {
    await json('POST', '/api/v1/principals', { name: 'svc-ci', kind: 'service' }, 201);
    expect((await s.call('POST', '/api/v1/principals', { body: { name: 'svc-ci' } })).status).toBe(409);
    const created = await json<{ token: string; info: { id: string; prefix: string } }>(
      'POST',
      '/api/v1/tokens',
      { principal: 'svc-ci', expiresInSeconds: 3600 },
      201,
    );
    expect(created.token.startsWith(created.info.prefix)).toBe(true);
    const listed = await json<{ items: Record<string, unknown>[] }>('GET', '/api/v1/tokens?principal=svc-ci');
    expect(listed.items).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(created.token);
    await json('POST', '/api/v1/grants', {
      principal: 'svc-ci',
      privilege: 'EXECUTE',
      securable: { type: 'model', name: 'dev.support.docs_qa' },
    });
    const grants = await json<{ items: { principal: string; privilege: string }[] }>(
      'GET',
      '/api/v1/grants?securableType=model&securableName=dev.support.docs_qa',
    );
    expect(grants.items).toMatchObject([{ principal: 'svc-ci', privilege: 'EXECUTE' }]);
    const missing = await s.call('POST', '/api/v1/grants/revoke', {
      body: { principal: 'svc-ci', privilege: 'READ', securable: { type: 'model', name: 'dev.support.docs_qa' } },
    });
    expect(missing.status).toBe(404);
  });

  it('index builds: lists real build records and feeds lineage', async () => {
    const list = await json<{ items: { version: number; manifest: Record<string, string> }[] }>(
      'GET',
      '/api/v1/indexes/dev.support.kb/builds',
    );
    expect(list.items[0]).toMatchObject({ version: build1.version, manifest: build1.manifest });
    const versions = list.items.map((b) => b.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(await json('GET', `/api/v1/indexes/dev.support.kb/builds/${build1.version}`)).toMatchObject({
      index: 'dev.support.kb',
      version: build1.version,
    });
    expect((await s.call('GET', `/api/v1/indexes/dev.support.kb/builds/${build1.version + 100}`)).status).toBe(404);
    expect((await s.call('GET', '/api/v1/indexes/nowhere.support.kb/builds')).status).toBe(404);

    const lineage = await json<{ upstream: { index: { build: { documents: { id: string }[] } | null } } }>(
      'GET',
      `/api/v1/lineage?uri=${encodeURIComponent('models:/dev.support.docs_qa/1')}`,
    );
    expect(lineage.upstream.index.build?.documents.map((d) => d.id).sort()).toEqual(
      Object.keys(build1.manifest).sort(),
    );
  });
});
