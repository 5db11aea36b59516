import { InvalidInputError, NotFoundError } from '@ragops/core';
import { seededRandom } from '@ragops/evals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexPassages } from '../packages/monitoring/src/online-judging/judge-item.ts';
import { createOnlineJudging } from '../packages/monitoring/src/online-judging/online-judging.ts';
import { splitTestReport } from '../packages/monitoring/src/split-test/split-test-report.ts';
import { MODEL, type MonitoringOpsFixture, startMonitoringOpsFixture } from './monitoring-ops-fixture.ts';

const GROUNDED = 'Every write to a Lance table creates a new table version [1].';
const PADDED = `${GROUNDED} Bananas ripen faster next to apples in a paper bag.`;

const backends = ['sqlite', ...(process.env.RAGOPS_TEST_POSTGRES_URL ? ['postgres' as const] : [])] as const;

describe.each(backends)('split tests on %s', (backend) => {
  let f: MonitoringOpsFixture;
  const ctx = () => ({ store: f.store, actor: f.admin });

  beforeAll(async () => {
    f = await startMonitoringOpsFixture(backend);
    await f.createEndpoint('ab', {
      served: [
        { name: 'v1', model: `models:/${MODEL}/1`, traffic: 50 },
        { name: 'v2', model: `models:/${MODEL}/2`, traffic: 50 },
      ],
    });
    // 150 requests per arm; the candidate (v2) pads fewer answers with an unsupported sentence
    // (10% against 60%) and is slower (1000 ms against 100 ms).
    const random = seededRandom(9);
    const rows = [];
    for (let i = 0; i < 150; i++) {
      for (const arm of ['v1', 'v2'] as const) {
        const padded = random() < (arm === 'v1' ? 0.6 : 0.1);
        rows.push(
          f.row({
            endpoint: 'ab',
            servedEntity: arm,
            assignment: 'random',
            modelVersion: f.versions[arm === 'v1' ? 0 : 1],
            answer: padded ? PADDED : GROUNDED,
            latencyTotalMs: (arm === 'v1' ? 100 : 1000) + 20 * random(),
            costUsd: 0.001,
          }),
        );
      }
    }
    await f.insertRows(rows);
    // The quality evidence is real online judging: sentence support over the served passages.
    const judging = createOnlineJudging({
      store: f.store,
      config: {
        endpoints: { ab: { sampleRate: 1, judges: ['sentence_support'] } },
        batchSize: 1000,
        budget: { perMinute: 10_000 },
      },
      passages: indexPassages(f.home),
    });
    expect((await judging.runOnce()).verdicts).toBe(300);
    await judging.stop();
  });
  afterAll(() => f?.close());

  it('promotes the better-grounded candidate on the judge score, with per-arm intervals', async () => {
    const rec = await splitTestReport(ctx(), { endpoint: 'ab', control: 'v1', candidate: 'v2' });
    expect(rec.decision).toBe('promote');
    expect(rec.primary).toMatchObject({
      metric: 'judge:sentence_support',
      verdict: 'better',
      ready: true,
      n: { control: 150, candidate: 150 },
    });
    expect(rec.primary.low).toBeGreaterThan(0);
    expect(rec.candidate.quality!.mean).toBeGreaterThan(rec.control.quality!.mean);
    expect(rec.control.quality!.low).toBeLessThan(rec.control.quality!.mean);
    expect(rec.control.latencyMs).toMatchObject({ n: 150 });
    expect(rec.candidate.latencyMs.p95!).toBeGreaterThan(1000);
    expect(rec.candidate.errorRate).toMatchObject({ mean: 0, n: 150 });
    expect(rec.gateCriterion).toMatchObject({
      criterion: 'split_test:ab:judge:sentence_support',
      verdict: 'pass',
      dataset: null,
    });
    expect(rec.gateCriterion.interval!.n).toBe(150);
  });

  it('a latency guardrail beyond its tolerance rolls the candidate back', async () => {
    const rec = await splitTestReport(ctx(), {
      endpoint: 'ab',
      control: 'v1',
      candidate: 'v2',
      latencyToleranceMs: 200,
    });
    expect(rec.decision).toBe('roll_back');
    expect(rec.guardrails[0]).toMatchObject({ metric: 'latency_ms', verdict: 'worse' });
    expect(rec.gateCriterion.verdict).toBe('fail');
  });

  it("versions: only that version's judged traffic counts on an arm (the gate passes the candidate's)", async () => {
    const own = await splitTestReport(ctx(), {
      endpoint: 'ab',
      control: 'v1',
      candidate: 'v2',
      versions: { control: f.versions[0], candidate: f.versions[1] },
    });
    expect(own).toMatchObject({ decision: 'promote', primary: { n: { control: 150, candidate: 150 } } });
    const other = await splitTestReport(ctx(), {
      endpoint: 'ab',
      control: 'v1',
      candidate: 'v2',
      versions: { candidate: f.versions[0] },
    });
    expect(other).toMatchObject({ decision: 'keep_collecting', primary: { n: { control: 150, candidate: 0 } } });
    expect(other.candidate.latencyMs.n).toBe(0);
  });

  it('keeps collecting without enough evidence (no reviewer feedback yet)', async () => {
    const rec = await splitTestReport(ctx(), {
      endpoint: 'ab',
      control: 'v1',
      candidate: 'v2',
      primary: 'reviewer_approval',
    });
    expect(rec.decision).toBe('keep_collecting');
    expect(rec.control.quality).toBeNull();
    expect(rec.gateCriterion).toMatchObject({ verdict: 'unavailable', value: null, interval: null });
  });

  it('refuses unknown arms and callers without READ', async () => {
    await expect(splitTestReport(ctx(), { endpoint: 'ab', control: 'v1', candidate: 'v9' })).rejects.toThrow(
      InvalidInputError,
    );
    await expect(splitTestReport(ctx(), { endpoint: 'ab', control: 'v1', candidate: 'v9' })).rejects.toThrow(
      /arms: v1, v2/,
    );
    await expect(
      splitTestReport({ store: f.store, actor: f.outsider }, { endpoint: 'ab', control: 'v1', candidate: 'v2' }),
    ).rejects.toThrow(NotFoundError);
  });
});
