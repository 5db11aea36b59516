// The fuzz suite: every operation of /openapi.json (the OpenAI-compatible routes are in it too) gets
// hostile bodies, path parameters and query values — deep nesting, huge strings without whitespace,
// NUL and invalid UTF-8, wrong types, hostile numbers — generated from a seed (a failure names a case
// that replays). It asserts no 5xx, a healthy server throughout, and that /healthz still answers
// promptly WHILE the worst inputs are in flight: a ratio to the idle latency measured in the same run,
// generous on purpose (a busy 2-core CI machine), never a wall-clock bound. SQLite and PostgreSQL.
import { getModelVersion } from '@ragops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FuzzBody,
  fuzzBodies,
  HOSTILE_PATH_VALUES,
  hostileValues,
  type JsonSchema,
  sampleOf,
} from './fuzz-inputs.ts';
import { testBackends } from './server-fixture.ts';
import { MODEL, type ServingFixture, seededRandom, startServingFixture } from './serving-fixture.ts';

const SEED = 20_261_201;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

type Operation = {
  method: (typeof METHODS)[number];
  path: string;
  params: { name: string; in: string }[];
  body: JsonSchema | undefined;
};
type OpenApiDoc = {
  paths: Record<string, Partial<Record<(typeof METHODS)[number], OpenApiOp>>>;
  components?: { schemas?: Record<string, JsonSchema> };
};
type OpenApiOp = {
  parameters?: { name: string; in: string }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
};

// Real objects of the fixture, so that hostile bodies reach the validation behind the lookups.
function realParam(path: string, name: string): string {
  if (name === 'name') {
    if (path.includes('/models/')) return MODEL;
    if (path.includes('/indexes/')) return 'dev.qs.kb';
    if (path.includes('endpoints/')) return 'docs-qa';
    return 'admin';
  }
  return { catalog: 'dev', schema: 'qs', version: '1', alias: 'champion', file: 'swagger-ui.css' }[name] ?? 'x';
}

// The OpenAI routes document a loose body; these are what their clients send.
const SAMPLE_BODIES: Record<string, unknown> = {
  'post /v1/chat/completions': { model: 'docs-qa', messages: [{ role: 'user', content: 'What is a Lance version?' }] },
  'post /serving-endpoints/{name}/invocations': { question: 'What is a Lance version?' },
};

/** What one request needs, and how to name it in a failure. */
type FuzzCase = { name: string; method: string; url: string; body?: FuzzBody['body']; contentType?: string };

function casesOf(doc: OpenApiDoc, baseUrl: string, samples: Record<string, unknown>): FuzzCase[] {
  const resolve = (ref: string) => doc.components?.schemas?.[ref.split('/').at(-1)!] ?? {};
  const ops: Operation[] = Object.entries(doc.paths).flatMap(([path, byMethod]) =>
    METHODS.filter((m) => byMethod[m]).map((method) => {
      const op = byMethod[method]!;
      return {
        method,
        path,
        params: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
      };
    }),
  );
  const cases: FuzzCase[] = [];
  let seed = SEED;
  for (const op of ops) {
    const key = `${op.method} ${op.path}`;
    const url = (override?: { name: string; value: string }) =>
      baseUrl +
      op.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
        override?.name === name ? override.value : encodeURIComponent(realParam(op.path, name)),
      );
    // Deleting the fixture's real objects would make every later case a plain 404.
    const destructive = op.method === 'delete';
    for (const param of op.params.filter((p) => p.in === 'path')) {
      for (const hostile of HOSTILE_PATH_VALUES) {
        cases.push({
          name: `${key} {${param.name}} ${hostile.name}`,
          method: op.method,
          url: url({ ...param, value: hostile.value }),
        });
      }
    }
    if (destructive) continue;
    const random = seededRandom(seed++);
    for (const param of op.params.filter((p) => p.in === 'query')) {
      // A seeded 8 of the hostile values per parameter: every value is sent, across parameters.
      const values = hostileValues(random)
        .map((v) => ({ v, k: random() }))
        .sort((x, y) => x.k - y.k)
        .slice(0, 8)
        .map(({ v }) => v);
      for (const hostile of values) {
        const value = typeof hostile.value === 'string' ? hostile.value : JSON.stringify(hostile.value);
        cases.push({
          name: `${key} ?${param.name}=${hostile.name}`,
          method: op.method,
          url: `${url()}?${param.name}=${queryValue(value.slice(0, 10_000))}`,
        });
      }
    }
    if (op.method === 'get') continue;
    const sample = samples[key] ?? SAMPLE_BODIES[key] ?? sampleOf(op.body, resolve);
    for (const body of fuzzBodies(sample, seed++)) {
      cases.push({
        name: `${key} body ${body.name}`,
        method: op.method,
        url: url(),
        body: body.body,
        ...(body.contentType && { contentType: body.contentType }),
      });
    }
  }
  // Chat content is counted in tokens and retrieved against: each hostile text as the question.
  for (const route of ['/v1/chat/completions', '/serving-endpoints/docs-qa/invocations']) {
    for (const hostile of hostileValues(seededRandom(seed++))) {
      const content = hostile.value;
      const body = route.startsWith('/v1')
        ? { model: 'docs-qa', messages: [{ role: 'user', content }] }
        : { messages: [{ role: 'user', content }] };
      cases.push({
        name: `post ${route} content = ${hostile.name}`,
        method: 'post',
        url: baseUrl + route,
        body: JSON.stringify(body),
      });
    }
  }
  return cases;
}

/** URL-encodes a query value; a lone surrogate (which encodeURIComponent refuses) goes as invalid UTF-8. */
function queryValue(value: string): string {
  return [...value].map((ch) => (/[\ud800-\udfff]/.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch))).join('');
}

async function send(c: FuzzCase, token: string): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (c.body !== undefined) headers['content-type'] = c.contentType ?? 'application/json';
  const res = await fetch(c.url, {
    method: c.method.toUpperCase(),
    headers,
    ...(c.body !== undefined && { body: c.body }),
  });
  return { status: res.status, text: (await res.text()).slice(0, 300) };
}

async function healthzMs(url: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${url}/healthz`);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
  return performance.now() - started;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe.each(testBackends())('fuzzing every route (%s)', (backend) => {
  let f: ServingFixture;
  let doc: OpenApiDoc;
  beforeAll(async () => {
    f = await startServingFixture({ backend });
    await f.registerVersion();
    await f.setAlias('champion', 1);
    await f.createEndpoint('docs-qa', { served: [{ model: `models:/${MODEL}@champion`, traffic: 100 }] });
    doc = (await (await fetch(`${f.url}/openapi.json`)).json()) as OpenApiDoc;
  });
  afterAll(async () => f?.close());

  it('answers every hostile request with a 4xx (or a 2xx), never a 5xx, and stays healthy', {
    timeout: 120_000,
  }, async () => {
    // A real package, so that hostile fields reach the checks behind the package's own schema.
    const { package: pkg } = await getModelVersion({ store: f.store, actor: f.admin, name: MODEL, version: 1 });
    const cases = casesOf(doc, f.url, { 'post /api/v1/models/{name}/versions': { package: pkg } });
    expect(cases.length).toBeGreaterThan(500);
    const failures: string[] = [];
    // A few at a time: concurrency finds more than a queue, and the suite stays inside its budget.
    const queue = [...cases];
    const worker = async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        const res = await send(c, f.adminToken).catch((error: unknown) => ({ status: 599, text: String(error) }));
        if (res.status >= 500) failures.push(`${c.name} → ${res.status} ${res.text}`);
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    expect((await fetch(`${f.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${f.url}/readyz`)).status).toBe(200);
    // The normal path still works after all of it.
    const ok = await send(
      {
        name: 'ok',
        method: 'post',
        url: `${f.url}/serving-endpoints/docs-qa/invocations`,
        body: '{"question":"What is a Lance version?"}',
      },
      f.adminToken,
    );
    expect(ok.status).toBe(200);
    expect(failures).toEqual([]);
  });

  it('keeps /healthz prompt while the worst inputs are in flight', { timeout: 120_000 }, async () => {
    for (let i = 0; i < 5; i++) await healthzMs(f.url); // warm the connection and the route
    const idle: number[] = [];
    for (let i = 0; i < 30; i++) idle.push(await healthzMs(f.url));
    const baseline = median(idle);

    const chat = (content: string) => JSON.stringify({ model: 'docs-qa', messages: [{ role: 'user', content }] });
    const worst: FuzzCase[] = [
      { name: 'chat 16k a', method: 'post', url: `${f.url}/v1/chat/completions`, body: chat('a'.repeat(16_000)) },
      { name: 'chat 8k math X', method: 'post', url: `${f.url}/v1/chat/completions`, body: chat('𝕏'.repeat(8_000)) },
      {
        name: 'invocation 100k a',
        method: 'post',
        url: `${f.url}/serving-endpoints/docs-qa/invocations`,
        body: JSON.stringify({ question: 'b'.repeat(100_000) }),
      },
      {
        name: 'version nested 100k',
        method: 'post',
        url: `${f.url}/api/v1/models/${MODEL}/versions`,
        body: `{"package":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
      },
      {
        name: 'endpoint 900k string',
        method: 'post',
        url: `${f.url}/api/v1/endpoints`,
        body: JSON.stringify({ name: 'x'.repeat(900_000), config: {} }),
      },
    ];
    let inFlight = worst.length;
    const settled = Promise.all(
      worst.map((c) =>
        send(c, f.adminToken)
          .then(
            (res) => ({ name: c.name, status: res.status }),
            (error: unknown) => ({ name: c.name, status: 599, error: String(error) }),
          )
          .finally(() => inFlight--),
      ),
    );
    const during: number[] = [];
    while (inFlight > 0 || during.length < 5) during.push(await healthzMs(f.url));
    const results = await settled;
    expect(results.filter((r) => r.status >= 500)).toEqual([]);
    const worstRatio = Math.max(...during) / baseline;
    console.info(
      `[fuzz ${backend}] /healthz idle median ${baseline.toFixed(2)} ms; during the worst inputs max ${Math.max(...during).toFixed(1)} ms over ${during.length} probes (${worstRatio.toFixed(0)}×)`,
    );
    // Generous: measured 85–225× here (a 0.6 ms idle probe behind the parsing of megabyte bodies);
    // a busy 2-core machine stretches both sides. What it must catch, a request holding the event loop
    // for a second or more (quadratic tokenising of one long word took 16 s), is past 1 500×.
    expect(worstRatio).toBeLessThan(1_000);
  });
});
