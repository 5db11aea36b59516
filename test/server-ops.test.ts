// Ops surface: the OpenAPI document covers every route, request ids, metrics, logs, readiness.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_ROUTE } from './server-bad-input-cases.ts';
import {
  createTestServer,
  expectErrorShape,
  registeredRoutes,
  seedRegistry,
  type TestServer,
} from './server-fixture.ts';

/** The value of one sample line of a Prometheus text exposition (0 when absent). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

type OpenApiDoc = {
  openapi: string;
  paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
};

let s: TestServer;
beforeAll(async () => {
  s = await createTestServer('sqlite');
  await seedRegistry(s);
});
afterAll(async () => s?.close());

describe('OpenAPI document', () => {
  it('documents exactly the routes the app serves', async () => {
    const doc = (await (await s.call('GET', '/openapi.json', { token: null })).json()) as OpenApiDoc;
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`))
      .sort();
    // The console's pages are HTML for people (docs/console.md), not API: they are not in the API document.
    const served = registeredRoutes(s.app).filter((r) => !CONSOLE_ROUTE.test(r));
    const undocumented = served.filter((r) => !documented.includes(r));
    const phantom = documented.filter((r) => !served.includes(r));
    // Fix: register the route with app.openapi(createRoute(...)), or describe a plain route with
    // app.openAPIRegistry.registerPath(...) next to it.
    expect({ undocumented, phantom }).toEqual({ undocumented: [], phantom: [] });
  });

  it('marks every /api route as bearer-protected with the error responses', async () => {
    const doc = (await (await s.call('GET', '/openapi.json')).json()) as OpenApiDoc;
    for (const [path, ops] of Object.entries(doc.paths).filter(([p]) => p.startsWith('/api/'))) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
        expect(Object.keys(op.responses), `${method} ${path}`).toEqual(expect.arrayContaining(['400', '401', '404']));
      }
    }
  });

  it('serves the interactive docs page', async () => {
    const res = await s.call('GET', '/docs', { token: null });
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('SwaggerUIBundle');
    expect(html).toContain('/openapi.json');
  });
});

describe('request ids', () => {
  it('generates one per request and echoes it on success, errors and unknown routes', async () => {
    const ids = new Set<string>();
    for (const [path, status] of [
      ['/healthz', 200],
      ['/api/v1/models/dev.support.nope', 404],
      ['/no/such/route', 404],
    ] as const) {
      const res = await s.call('GET', path);
      expect(res.status).toBe(status);
      const id = res.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      ids.add(id!);
      if (status !== 200) expect((await expectErrorShape(res)).requestId).toBe(id);
    }
    expect(ids.size).toBe(3);
  });

  it('keeps a well-formed incoming id and replaces a malformed one', async () => {
    const kept = await s.call('GET', '/healthz', { headers: { 'x-request-id': 'client-trace-42' } });
    expect(kept.headers.get('x-request-id')).toBe('client-trace-42');
    const replaced = await s.call('GET', '/healthz', { headers: { 'x-request-id': 'has spaces; and "quotes"' } });
    expect(replaced.headers.get('x-request-id')).not.toContain(' ');
  });

  it('the unknown-route 404 is JSON in the error shape', async () => {
    const res = await s.call('DELETE', '/healthz');
    expect(res.status).toBe(404);
    expect((await expectErrorShape(res)).code).toBe('not_found');
  });
});

describe('metrics', () => {
  it('counts requests by route pattern and status, with process metrics, per app', async () => {
    const scrape = async () => (await s.call('GET', '/metrics', { token: null })).text();
    const before = await scrape();
    await s.call('GET', '/api/v1/models/dev.support.docs_qa');
    await s.call('GET', '/api/v1/models/dev.support.docs_qa');
    await s.call('GET', '/api/v1/models/dev.support.missing');
    const text = await scrape();
    expect(text).toContain('process_cpu_user_seconds_total');
    const ok = 'ragops_http_requests_total{method="GET",route="/api/v1/models/:name",status="200"}';
    const missing = 'ragops_http_requests_total{method="GET",route="/api/v1/models/:name",status="404"}';
    expect(sample(text, ok) - sample(before, ok)).toBe(2);
    expect(sample(text, missing) - sample(before, missing)).toBe(1);
    expect(text).toMatch(
      /ragops_http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/api\/v1\/models\/:name"/,
    );
    // Unknown paths share one label value, so they cannot blow up cardinality.
    await s.call('GET', '/random/abc');
    const after = await (await s.call('GET', '/metrics')).text();
    expect(after).toMatch(/route="unmatched",status="404"/);
    expect(after).not.toContain('/random/abc');

    // A second app has its own registry: none of the first app's counts.
    const other = await createTestServer('sqlite');
    try {
      const fresh = await (await other.call('GET', '/metrics')).text();
      expect(fresh).not.toContain('/api/v1/models/:name');
    } finally {
      await other.close();
    }
  });
});

describe('logs', () => {
  it('one JSON line per request with its requestId, never tokens', async () => {
    const created = await s.call('POST', '/api/v1/tokens', { body: { description: 'for the log test' } });
    const { token } = (await created.json()) as { token: string };
    const res = await s.call('GET', '/api/v1/me', { token, headers: { 'x-request-id': 'log-test-1' } });
    expect(res.status).toBe(200);
    const line = s.logs.find((l) => l.requestId === 'log-test-1' && l.msg === 'request');
    expect(line).toMatchObject({ method: 'GET', route: '/api/v1/me', status: 200, level: 30 });
    expect(typeof line?.durationMs).toBe('number');
    expect(s.logs.filter((l) => l.msg === 'request').every((l) => typeof l.requestId === 'string')).toBe(true);
    expect(s.logText()).not.toContain(token);
    expect(s.logText()).not.toContain(s.adminToken);
  });
});

describe('readiness', () => {
  it('/readyz answers 503 when the store is unreachable; /healthz stays 200', async () => {
    const t = await createTestServer('sqlite');
    await t.store.close();
    const ready = await t.call('GET', '/readyz', { token: null });
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable', checks: { metadataStore: 'unreachable' } });
    expect((await t.call('GET', '/healthz')).status).toBe(200);
    t.store.close = async () => {};
    await t.close();
  });
});
