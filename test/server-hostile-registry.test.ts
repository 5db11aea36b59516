// Hostile registry input over HTTP: deep nesting and U+0000 are 4xx (or stored safely), never a
// 500, on SQLite and PostgreSQL (issue 7, items 6 and 7).
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

const NUL = '\u0000';

describe.each(testBackends())('hostile registry input (%s)', (backend: Backend) => {
  let s: TestServer;
  let build: IndexBuild;
  beforeAll(async () => {
    s = await createTestServer(backend);
    build = await seedRegistry(s);
  });
  afterAll(async () => s?.close());

  // Bodies are built as text: the deep value would overflow the test's own JSON.stringify too.
  const DEEP = '"__deep__"';
  const deepText = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

  it.each([
    ['llm params', 'llm', 'params', 'package.chain.llm.params.deep'],
    ['an extra chunker field', 'chunker', undefined, 'package.chain.chunker.deep'],
    ['an extra embedder field', 'embedder', undefined, 'package.chain.embedder.deep'],
  ] as const)(
    'a version package nested 5,000 deep in %s is a 400 naming the field',
    async (_what, part, sub, field) => {
      const pkg = samplePackage({ build }) as unknown as { chain: Record<string, Record<string, unknown>> };
      const holder = sub
        ? { ...pkg.chain[part], [sub]: { deep: '__deep__' } }
        : { ...pkg.chain[part], deep: '__deep__' };
      const text = JSON.stringify({ package: { ...pkg, chain: { ...pkg.chain, [part]: holder } } });
      const res = await s.call('POST', '/api/v1/models/dev.support.deep/versions', {
        rawBody: text.replace(DEEP, deepText(5_000)),
      });
      expect(res.status).toBe(400);
      const error = await expectErrorShape(res);
      expect(error.code).toBe('invalid_input');
      expect(error.message).toContain(field);
      // The edge guard (64 levels, any body) or the package schema's own bound (32) answers first.
      expect(error.message).toMatch(/nested deeper than (32|64) levels/);
      expect((await s.call('GET', '/api/v1/models/dev.support.deep')).status).toBe(404);
    },
  );

  it('a deep body on the version PATCH (loose on purpose) is a 4xx', async () => {
    const res = await s.call('PATCH', '/api/v1/models/dev.support.docs_qa/versions/1', {
      rawBody: `{"description":"x","extra":${deepText(5_000)}}`,
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it('stores U+0000 in free text as U+FFFD: model description, display name, token description', async () => {
    const model = await s.call('PATCH', '/api/v1/models/dev.support.docs_qa', { body: { description: `a${NUL}b` } });
    expect(model.status).toBe(200);
    expect(((await model.json()) as { description: string }).description).toBe('a\uFFFDb');
    const principal = await s.call('POST', '/api/v1/principals', {
      body: { name: 'nul_user', displayName: `N${NUL}` },
    });
    expect(principal.status).toBe(201);
    expect(((await principal.json()) as { displayName: string }).displayName).toBe('N\uFFFD');
    const token = await s.call('POST', '/api/v1/tokens', { body: { principal: 'nul_user', description: `t${NUL}` } });
    expect(token.status).toBe(201);
    expect(((await token.json()) as { info: { description: string } }).info.description).toBe('t\uFFFD');
  });

  it.each([
    ['an audit principal filter', `/api/v1/audit?principal=admin${encodeURIComponent(NUL)}`],
    ['an audit object filter', `/api/v1/audit?objectName=x${encodeURIComponent(NUL)}`],
    ['a model name', `/api/v1/models/dev.support.docs${encodeURIComponent(NUL)}qa`],
    ['a principal name', `/api/v1/principals/ad${encodeURIComponent(NUL)}min`],
  ])('refuses U+0000 in %s with a 4xx', async (_what, path) => {
    const res = await s.call('GET', path);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    await expectErrorShape(res);
  });
});
