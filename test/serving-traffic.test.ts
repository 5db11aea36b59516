// Traffic splits over many requests, sticky assignment, shadow traffic, and alias moves while
// requests run (no failed request; each row names the version that served it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL, type ServingFixture, seededRandom, startServingFixture } from './serving-fixture.ts';

let f: ServingFixture;
beforeAll(async () => {
  f = await startServingFixture({ random: seededRandom(42), serving: { aliasStalenessMs: 50 } });
  await f.registerVersion();
  await f.registerVersion({ provider: 'extractive', model: 'extractive-short', params: {} });
  await f.setAlias('champion', 1);
  await f.setAlias('challenger', 2);
  await f.createEndpoint('ab', {
    served: [
      { model: `models:/${MODEL}@champion`, traffic: 70 },
      { model: `models:/${MODEL}@challenger`, traffic: 30 },
    ],
  });
  await f.createEndpoint('shadowed', {
    served: [{ model: `models:/${MODEL}@champion`, traffic: 100 }],
    shadow: { model: `models:/${MODEL}/2` },
  });
});
afterAll(async () => f?.close());

/** Runs `n` calls, 4 at a time (the machine has 2 cores; retrieval waits on LanceDB I/O). */
async function many<T>(n: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await call(i);
      }
    }),
  );
  return out;
}

type Served = { requestId: string; entity: string; version: number; assignment: string };
async function ask(
  endpoint: string,
  options: { header?: string; user?: string; question?: string } = {},
): Promise<Served> {
  const res = await fetch(`${f.url}/serving-endpoints/${endpoint}/invocations`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${f.adminToken}`,
      'content-type': 'application/json',
      ...(options.header ? { 'x-ragops-user': options.header } : {}),
    },
    body: JSON.stringify({
      question: options.question ?? 'What does the champion alias mark?',
      ...(options.user ? { user: options.user } : {}),
    }),
  });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as {
    request_id: string;
    served: { entity: string; version: number; assignment: string };
  };
  return { requestId: body.request_id, ...body.served };
}

describe('traffic split', () => {
  it('distributes random traffic by the configured percentages', async () => {
    const served = await many(240, () => ask('ab'));
    const a = served.filter((s) => s.entity === 'champion').length;
    expect(served.every((s) => s.assignment === 'random')).toBe(true);
    // 70 % of 240 = 168; binomial sd ≈ 7.1, so ±30 is > 4 sd.
    expect(a).toBeGreaterThan(138);
    expect(a).toBeLessThan(198);
    expect(new Set(served.filter((s) => s.entity === 'challenger').map((s) => s.version))).toEqual(new Set([2]));
  });

  it('keeps a sticky key (header or OpenAI user) on one arm, and spreads keys by the split', async () => {
    const firstArm = new Map<string, string>();
    const keys = Array.from({ length: 150 }, (_, i) => `user-${i}`);
    const first = await many(keys.length, (i) => ask('ab', { header: keys[i]! }));
    for (const [i, key] of keys.entries()) firstArm.set(key, first[i]!.entity);
    for (let i = 0; i < 150; i += 5) {
      const again = await ask('ab', { header: `user-${i}` });
      expect(again.entity).toBe(firstArm.get(`user-${i}`));
      expect(again.assignment).toBe('sticky');
      expect((await ask('ab', { user: `user-${i}` })).entity).toBe(firstArm.get(`user-${i}`));
    }
    const champions = [...firstArm.values()].filter((e) => e === 'champion').length;
    expect(champions).toBeGreaterThan(80); // 105 expected (70 %), sd ≈ 5.6
    expect(champions).toBeLessThan(130);
  });
});

describe('shadow traffic', () => {
  it('copies requests to the shadow entity, logs its answers, never returns them', async () => {
    const live: Served[] = [];
    for (let i = 0; i < 5; i++) live.push(await ask('shadowed'));
    expect(live.every((s) => s.version === 1)).toBe(true);
    const ids = new Set(live.map((s) => s.requestId));
    const deadline = Date.now() + 10_000;
    let shadows = (await f.rows(0)).filter((r) => ids.has(r.requestId) && r.trafficArm === 'shadow');
    while (shadows.length < 5 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      shadows = (await f.rows(0)).filter((r) => ids.has(r.requestId) && r.trafficArm === 'shadow');
    }
    expect(shadows).toHaveLength(5);
    expect(shadows.every((r) => r.modelVersion === 2 && r.status === 'ok' && r.servedEntity === 'shadow-v2')).toBe(
      true,
    );
    expect(shadows.every((r) => typeof r.answer === 'string' && r.answer.length > 0)).toBe(true);
  });
});

describe('alias moves during requests', () => {
  it('never fails a request, switches within the staleness bound, and logs the serving version', async () => {
    await f.createEndpoint('moving', { served: [{ model: `models:/${MODEL}@champion`, traffic: 100 }] });
    const results: Served[][] = [[], [], [], []];
    let moved = false;
    let movedAt = 0;
    const worker = async (out: Served[]) => {
      for (let i = 0; i < 300; i++) {
        out.push(await ask('moving'));
        if (moved && performance.now() - movedAt > 300 && out.at(-1)!.version === 2) return;
      }
    };
    const workers = results.map(worker);
    while (results.flat().length < 20) await new Promise((r) => setTimeout(r, 5));
    await f.setAlias('champion', 2);
    movedAt = performance.now();
    moved = true;
    await Promise.all(workers); // any failed request rejects here
    for (const out of results) {
      const firstV2 = out.findIndex((s) => s.version === 2);
      expect(firstV2).toBeGreaterThan(0);
      expect(out.slice(firstV2).every((s) => s.version === 2)).toBe(true);
    }
    const all = results.flat();
    const rows = await f.rows(0);
    const byId = new Map(rows.filter((r) => r.trafficArm === 'live').map((r) => [r.requestId, r]));
    const deadline = Date.now() + 10_000;
    while (all.some((s) => !byId.has(s.requestId)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      for (const r of await f.rows(0)) if (r.trafficArm === 'live') byId.set(r.requestId, r);
    }
    for (const s of all)
      expect(byId.get(s.requestId)).toMatchObject({
        status: 'ok',
        modelVersion: s.version,
        modelUri: `models:/${MODEL}@champion`,
      });
    await f.setAlias('champion', 1);
  });
});
