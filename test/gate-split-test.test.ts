// The promotion gate with a split test (gates.<model>.<alias>.splitTest), on both store backends:
// the gate takes the criterion from its caller (evals does not read monitoring) and the caller
// passes monitoring's splitTestGateEvidence, as the CLI and REST do. Live traffic and end-user
// thumbs are real rows; the recommendation is monitoring's always-valid sequential test.
import { createEndpoint, resolveModelUri, setAlias } from '@ragops/core';
import { type GateDecision, promote } from '@ragops/evals';
import { splitTestGateEvidence } from '@ragops/monitoring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATE_MODEL, type GateFixture, startGateFixture } from './gate-fixture.ts';
import { writeRatedTraffic } from './split-test-rows.ts';

const backends = [
  ['sqlite', true],
  ['postgres', Boolean(process.env.RAGOPS_TEST_POSTGRES_URL)],
] as const;

const splitRow = (d: GateDecision, endpoint: string) =>
  d.criteria.find((c) => c.criterion === `split_test:${endpoint}:end_user_approval`);

for (const [backend, enabled] of backends) {
  describe.skipIf(!enabled)(`promotion gate with a split test (${backend})`, () => {
    let f: GateFixture;
    let champion: number;
    let candidate: number;
    let other: number;
    const holder = async () => (await resolveModelUri({ ...f.ctx, uri: `models:/${GATE_MODEL}@champion` })).version;
    const gateOn = (endpoint: string) =>
      f.gate('champion', {
        splitTest: { endpoint, control: 'champion', candidate: 'challenger', metric: 'end_user_approval', alpha: 0.05 },
      });
    const promoteTo = (version: number, wired = true) =>
      promote({
        ...f.ctx,
        ...f.options(),
        ...(wired && { externalCriteria: splitTestGateEvidence(f.ctx) }),
        modelUri: `models:/${GATE_MODEL}/${version}`,
        alias: 'champion',
      });

    beforeAll(async () => {
      f = await startGateFixture(backend);
      champion = await f.registerVersion(5, 'champion');
      candidate = await f.registerVersion(5, 'candidate');
      other = await f.registerVersion(5, 'not the one under test');
      await setAlias({ ...f.ctx, name: GATE_MODEL, alias: 'champion', version: champion, reason: 'first' });
      const arms = async (
        name: string,
        control: [number, number],
        challenger: [number, number],
        challengerRowsOf = candidate,
      ) => {
        await createEndpoint({
          ...f.ctx,
          name,
          config: {
            served: [
              { name: 'champion', model: `models:/${GATE_MODEL}@champion`, traffic: 50 },
              { name: 'challenger', model: `models:/${GATE_MODEL}/${candidate}`, traffic: 50 },
            ],
          },
        });
        await writeRatedTraffic(f.ctx, name, [
          { name: 'champion', model: GATE_MODEL, version: champion, approved: control[0], total: control[1] },
          {
            name: 'challenger',
            model: GATE_MODEL,
            version: challengerRowsOf,
            approved: challenger[0],
            total: challenger[1],
          },
        ]);
      };
      // Thumbs-up shares per arm: the challenger clearly better, clearly worse, and too few to say.
      await arms('ab-better', [12, 40], [38, 40]);
      await arms('ab-worse', [36, 40], [6, 40]);
      await arms('ab-thin', [2, 5], [5, 5]);
      // The challenger arm serves the candidate now, but its rated traffic was served by another version.
      await arms('ab-retargeted', [12, 40], [38, 40], other);
    }, 300_000);
    afterAll(async () => {
      await f?.close();
    });

    it('"roll back" blocks the promote: the split test is a failed row of the decision table', async () => {
      await gateOn('ab-worse');
      const d = await promoteTo(candidate);
      expect(d.outcome).toBe('blocked');
      expect(d.moved).toBe(false);
      const row = splitRow(d, 'ab-worse')!;
      expect(row).toMatchObject({ verdict: 'fail', dataset: null });
      expect(row.note).toMatch(/^roll_back: end_user_approval: Δ -/);
      expect(row.interval!.high).toBeLessThan(0);
      expect(row.interval!.n).toBe(40);
      // The dataset evidence passed: only the split test blocked.
      expect(d.criteria.filter((c) => c.verdict !== 'pass')).toEqual([row]);
      expect(await holder()).toBe(champion);
    }, 300_000);

    it('"keep collecting" is missing evidence (unavailable) and blocks', async () => {
      await gateOn('ab-thin');
      const d = await promoteTo(candidate);
      expect(d.outcome).toBe('blocked');
      const row = splitRow(d, 'ab-thin')!;
      expect(row).toMatchObject({ verdict: 'unavailable', value: null, interval: null });
      expect(row.note).toMatch(/^keep_collecting: .*30 per arm needed/);
    }, 300_000);

    it('a caller that does not wire monitoring gets an unavailable split test, never a pass', async () => {
      await gateOn('ab-better');
      const d = await promoteTo(candidate, false);
      expect(d.outcome).toBe('blocked');
      expect(splitRow(d, 'ab-better')).toMatchObject({
        verdict: 'unavailable',
        note: expect.stringMatching(/not wired/),
      });
    }, 300_000);

    it("a split test of another version is no evidence for this one: the arm's version must be the candidate's", async () => {
      const d = await promoteTo(other);
      expect(d.outcome).toBe('blocked');
      expect(splitRow(d, 'ab-better')).toMatchObject({ verdict: 'unavailable' });
      expect(splitRow(d, 'ab-better')!.note).toContain(`serves models:/${GATE_MODEL}/${candidate}, not the candidate`);
      expect(await holder()).toBe(champion);
    }, 300_000);

    it("another version's traffic on the candidate's arm does not count for the candidate", async () => {
      await gateOn('ab-retargeted');
      const d = await promoteTo(candidate);
      expect(d.outcome).toBe('blocked');
      const row = splitRow(d, 'ab-retargeted')!;
      expect(row.verdict).toBe('unavailable');
      expect(row.note).toMatch(/^keep_collecting: end_user_approval: 40 control and 0 candidate observations/);
      await gateOn('ab-better');
    }, 300_000);

    it('"promote" passes with its always-valid interval and n, and the alias moves', async () => {
      const d = await promoteTo(candidate);
      const row = splitRow(d, 'ab-better')!;
      expect(row).toMatchObject({ verdict: 'pass' });
      expect(row.interval!.low).toBeGreaterThan(0);
      expect(row.interval!.n).toBe(40);
      expect(row.threshold).toMatch(/always-valid 95% interval/);
      expect(d.outcome).toBe('passed');
      expect(d.moved).toBe(true);
      expect(await holder()).toBe(candidate);
    }, 300_000);
  });
}
