// /docs works with no network: Swagger UI's files come from node_modules through this server, the page
// references no other origin, and `GET /` leads a person there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from './server-fixture.ts';

let s: TestServer;
beforeAll(async () => {
  s = await createTestServer('sqlite');
});
afterAll(async () => s?.close());

describe('the API docs page', () => {
  it('references only assets of this server, and every one is served', async () => {
    const res = await s.call('GET', '/docs', { token: null });
    expect(res.status).toBe(200);
    const html = await res.text();
    const refs = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThanOrEqual(3);
    for (const ref of refs) {
      expect(ref, ref).toMatch(/^\/[^/]/); // a path on this server: no scheme, no //host
      const asset = await s.call('GET', ref, { token: null });
      expect(asset.status, ref).toBe(200);
      expect((await asset.arrayBuffer()).byteLength, ref).toBeGreaterThan(100);
    }
    expect(html).not.toMatch(/https?:\/\/|cdn|unpkg|jsdelivr/i);
    // The page's only script runs Swagger UI on our own document.
    expect(html).toContain("SwaggerUIBundle({ url: '/openapi.json'");
    const bundle = await s.call('GET', '/docs/assets/swagger-ui-bundle.js', { token: null });
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect(await bundle.text()).toContain('SwaggerUIBundle');
  });

  it('serves nothing else from the package folder', async () => {
    for (const path of [
      '/docs/assets/package.json',
      '/docs/assets/..%2F..%2Fpackage.json',
      '/docs/assets/index.html',
    ]) {
      expect((await s.call('GET', path, { token: null })).status, path).toBe(404);
    }
  });

  it('redirects / to the console (its sign-in page leads on; /docs stays the API docs)', async () => {
    const res = await s.call('GET', '/', { token: null });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/console');
  });
});
