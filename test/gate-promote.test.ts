// The promotion gate through the library, on both store backends, over the repository's docs and the
// shipped evals/docs-qa.jsonl with offline judges: a real regression (k: 1 vector-only against a k: 5 hybrid champion) is
// blocked by the paired test, the same chain evaluated again passes, thresholds and missing evidence
// block, a gated alias refuses a plain move, --force is an audited override, concurrent promotes
// leave one winner and no lost move.
import { deleteAlias, getLineage, listAudit, resolveModelUri, setAlias } from '@ragops/core';
import { forceAliasMove, listGateDecisions, promote, storedGateEvidence } from '@ragops/evals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATE_MODEL, type GateFixture, startGateFixture } from './gate-fixture.ts';

const backends = [
  ['sqlite', true],
  ['postgres', Boolean(process.env.RAGOPS_TEST_POSTGRES_URL)],
] as const;

const NO_REGRESSION = { noRegression: { metrics: ['recall@5', 'token_f1'], margin: 0.01, confidence: 0.95 } };

for (const [backend, enabled] of backends) {
  describe.skipIf(!enabled)(`promotion gate (${backend})`, () => {
    let f: GateFixture;
    let good: number;
    let k1: number;
    let same: number;
    const holder = async () => (await resolveModelUri({ ...f.ctx, uri: `models:/${GATE_MODEL}@champion` })).version;

    beforeAll(async () => {
      f = await startGateFixture(backend);
      good = await f.registerVersion(5, 'good');
      // The damaged retriever: k: 1 and vector-only on the hash embedder. On docs-qa (102 answerable rows,
      // 42 of them with two or more gold documents, which k: 1 cannot all retrieve) it costs recall@5
      // −0.26 [−0.34, −0.20]; with 34 mostly one-document rows it was −0.09 … −0.18 and flipped with docs edits.
      k1 = await f.registerVersion(1, 'k: 1, vector only', 'extractive', 'vector');
      same = await f.registerVersion(5, 'the good chain again');
      // Before the gate exists the alias moves as today.
      await setAlias({ ...f.ctx, name: GATE_MODEL, alias: 'champion', version: good, reason: 'first champion' });
      await f.gate('champion', NO_REGRESSION);
    }, 240_000);
    afterAll(async () => {
      await f?.close();
    });

    it('blocks a real regression (k: 1 vector-only against a k: 5 hybrid champion) by the paired test; the alias stays', async () => {
      const d = await promote({ ...f.ctx, ...f.options(), modelUri: `models:/${GATE_MODEL}/${k1}`, alias: 'champion' });
      expect(d.outcome).toBe('blocked');
      expect(d.moved).toBe(false);
      expect(d.holderVersion).toBe(good);
      const recall = d.criteria.find((c) => c.criterion === `Δ recall@5 vs v${good}`)!;
      expect(recall.verdict).toBe('fail');
      // With margin, so an ordinary docs edit does not flip it: the interval's upper end measured −0.20, and
      // −0.18 … −0.20 with docs/concepts.md or docs/langchain.md deleted or a paragraph appended to
      // docs/promotion.md (each in a temp copy of the repo).
      expect(recall.interval!.high).toBeLessThan(-0.1);
      // 109 rows, 7 unanswerable (no gold documents, so no recall): 102 pairs.
      expect(recall.interval!.n).toBe(102);
      // The table states the rule's error rates for the sample it had (regressionErrorRates).
      expect(recall.note).toMatch(/^n=102; false block ≤ 2\.5%, power to block a 5-point drop ≈ \d+%$/);
      // Candidate and holder were both evaluated (run-missing), and the decision names those runs.
      expect(f.runsStarted()).toBe(2);
      expect(d.runIds).toHaveLength(2);
      expect(await holder()).toBe(good);
    }, 240_000);

    it('passes the same chain evaluated again (noise does not block) and moves the alias', async () => {
      const d = await promote({
        ...f.ctx,
        ...f.options(),
        modelUri: `models:/${GATE_MODEL}/${same}`,
        alias: 'champion',
      });
      expect(d.criteria.filter((c) => c.verdict !== 'pass')).toEqual([]);
      expect(d.outcome).toBe('passed');
      expect(d.moved).toBe(true);
      expect(await holder()).toBe(same);
      // decision → versions in lineage; the holder's run was reused, only the candidate's is new.
      expect(f.runsStarted()).toBe(3);
      const lineage = await getLineage({ ...f.ctx, uri: `models:/${GATE_MODEL}/${same}` });
      expect(JSON.stringify(lineage)).toContain(d.id);
      const audit = await listAudit({ ...f.ctx, query: { action: 'promotion.decide' } });
      expect(audit.items.map((a) => a.objectName)).toContain(d.id);
    }, 240_000);

    it('blocks on a metric floor and on missing evidence, naming the criterion', async () => {
      await f.gate('challenger', { floors: { token_f1: { min: 0.99 }, error_rate: { max: 0.01 } } });
      const floor = await promote({
        ...f.ctx,
        ...f.options(),
        modelUri: `models:/${GATE_MODEL}/${good}`,
        alias: 'challenger',
      });
      expect(floor.outcome).toBe('blocked');
      expect(floor.criteria.find((c) => c.criterion === 'token_f1')).toMatchObject({
        verdict: 'fail',
        threshold: '≥ 0.99',
      });
      expect(floor.criteria.find((c) => c.criterion === 'error_rate')).toMatchObject({ verdict: 'pass', value: 0 });
      const fresh = await f.registerVersion(3, 'never evaluated');
      const { runMissing: _, ...withoutRunMissing } = f.options();
      const missing = await promote({
        ...f.ctx,
        ...withoutRunMissing,
        modelUri: `models:/${GATE_MODEL}/${fresh}`,
        alias: 'challenger',
      });
      expect(missing.outcome).toBe('blocked');
      expect(missing.criteria[0]).toMatchObject({ criterion: 'evidence', verdict: 'unavailable' });
    }, 240_000);

    it('blocks when human evidence is required and the feedback module is not wired (evidence unavailable)', async () => {
      await f.gate('reviewed', { human: { minLabels: 5, minApproval: 0.7 } });
      const d = await promote({
        ...f.ctx,
        ...f.options(),
        modelUri: `models:/${GATE_MODEL}/${good}`,
        alias: 'reviewed',
      });
      expect(d.outcome).toBe('blocked');
      expect(d.criteria.find((c) => c.criterion === 'reviewer labels')).toMatchObject({ verdict: 'unavailable' });
      const wired = await promote({
        ...f.ctx,
        ...f.options(),
        modelUri: `models:/${GATE_MODEL}/${good}`,
        alias: 'reviewed',
        humanEvidence: async () => ({ available: true, count: 8, approval: { mean: 0.875, low: 0.6, high: 1, n: 8 } }),
      });
      expect(wired.outcome).toBe('passed');
      // Wired to the feedback module's tables (as the CLI and REST are): no reviewer label yet → blocked on the count.
      const stored = await promote({
        ...f.ctx,
        ...f.options(),
        ...storedGateEvidence(f.ctx),
        modelUri: `models:/${GATE_MODEL}/${good}`,
        alias: 'reviewed',
      });
      expect(stored.outcome).toBe('blocked');
      const labels = stored.criteria.find((c) => c.criterion === 'reviewer labels');
      expect(labels?.verdict).not.toBe('unavailable');
      expect(labels?.verdict).not.toBe('pass');
    }, 240_000);

    it('refuses a plain move or delete of a gated alias, naming the gate; --force records an override', async () => {
      await expect(setAlias({ ...f.ctx, name: GATE_MODEL, alias: 'champion', version: k1 })).rejects.toThrow(
        /gated by gates\.dev\.qs\.docs_qa\.champion/,
      );
      await expect(deleteAlias({ ...f.ctx, name: GATE_MODEL, alias: 'champion' })).rejects.toThrow(/gated/);
      expect(await holder()).toBe(same);
      await expect(
        forceAliasMove({ ...f.ctx, name: GATE_MODEL, alias: 'champion', version: k1, reason: ' ' }),
      ).rejects.toThrow(/--reason/);
      const d = await forceAliasMove({
        ...f.ctx,
        name: GATE_MODEL,
        alias: 'champion',
        version: k1,
        reason: 'incident 42 rollback',
      });
      expect(d).toMatchObject({
        outcome: 'override',
        moved: true,
        reason: 'incident 42 rollback',
        holderVersion: same,
      });
      expect(await holder()).toBe(k1);
      const overrides = await listAudit({ ...f.ctx, query: { action: 'promotion.override' } });
      expect(overrides.items.map((a) => a.objectName)).toContain(d.id);
      const moves = await listAudit({ ...f.ctx, query: { action: 'alias.set' } });
      expect(moves.items.at(-1)!.details).toMatchObject({
        decisionId: d.id,
        override: true,
        reason: 'incident 42 rollback',
      });
      const log = await listGateDecisions({ ...f.ctx, model: GATE_MODEL, alias: 'champion' });
      expect(log.items[0]!.id).toBe(d.id);
    }, 240_000);

    it('two promotes of one alias at once: one decision each, one winner, no lost move', async () => {
      // Holder is k1 (forced above); both candidates beat it on recall@5, so both decisions pass. (token_f1
      // is gated out: good − k1 is +0.03 [−0.02, 0.07] on docs-qa, too close to call either way — this
      // test is about the race, not about that metric.)
      await f.gate('champion', { noRegression: { metrics: ['recall@5'], margin: 0.01, confidence: 0.95 } });
      const [a, b] = await Promise.all([
        promote({ ...f.ctx, ...f.options(), modelUri: `models:/${GATE_MODEL}/${good}`, alias: 'champion' }),
        promote({ ...f.ctx, ...f.options(), modelUri: `models:/${GATE_MODEL}/${same}`, alias: 'champion' }),
      ]);
      expect([a.holderVersion, b.holderVersion]).toEqual([k1, k1]);
      expect([a.outcome, b.outcome]).toEqual(['passed', 'passed']);
      expect([a.moved, b.moved].filter(Boolean)).toHaveLength(1);
      const winner = a.moved ? a : b;
      const loser = a.moved ? b : a;
      expect(loser.note).toMatch(/no longer points at version/);
      expect(await holder()).toBe(winner.candidateVersion);
      const log = await listGateDecisions({ ...f.ctx, model: GATE_MODEL, alias: 'champion', pageSize: 100 });
      expect(log.items.map((d) => d.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    }, 240_000);
  });
}
