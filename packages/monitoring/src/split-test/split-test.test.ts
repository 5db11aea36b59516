import { seededRandom } from '@ragops/evals';
import { describe, expect, it } from 'vitest';
import { mixtureConfidenceSequence, momentsFromSums, proportionMoments } from './confidence-sequence.ts';
import { decideSplitTest, type SplitTestDecision } from './split-test-decision.ts';

const normal = (random: () => number) => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

type Draw = (random: () => number) => number;

/**
 * One simulated split test looked at after every `step` observations per arm up to `maxPerArm`:
 * the first decision other than keep_collecting, or keep_collecting if none came.
 */
function simulate(control: Draw, candidate: Draw, seed: number, maxPerArm = 3000, step = 10): SplitTestDecision {
  const random = seededRandom(seed);
  const sums = { a: [0, 0], b: [0, 0] };
  for (let n = 1; n <= maxPerArm; n++) {
    const x = control(random);
    const y = candidate(random);
    sums.a[0]! += x;
    sums.a[1]! += x * x;
    sums.b[0]! += y;
    sums.b[1]! += y * y;
    if (n % step !== 0) continue;
    const { decision } = decideSplitTest({
      primary: {
        name: 'approval',
        higherIsBetter: true,
        control: momentsFromSums(n, sums.a[0]!, sums.a[1]!),
        candidate: momentsFromSums(n, sums.b[0]!, sums.b[1]!),
        effectScale: 0.05,
      },
    });
    if (decision !== 'keep_collecting') return decision;
  }
  return 'keep_collecting';
}

const bernoulli =
  (p: number): Draw =>
  (random) =>
    random() < p ? 1 : 0;
const score =
  (mean: number): Draw =>
  (random) =>
    Math.min(1, Math.max(0, mean + 0.2 * normal(random)));
const REPLICATES = 400;
// 400 replicates: the standard error of a 5% error rate is 1.1 points; 3 points of slack is ~3 SE.
const SLACK = 0.03;

function rate(control: Draw, candidate: Draw, hit: (d: SplitTestDecision) => boolean): number {
  let hits = 0;
  for (let r = 1; r <= REPLICATES; r++) if (hit(simulate(control, candidate, r * 104_729))) hits++;
  return hits / REPLICATES;
}

describe('mixture confidence sequence', () => {
  it('is centred on the difference, narrows with n, waits for 30 per arm', () => {
    const small = mixtureConfidenceSequence(proportionMoments(20, 29), proportionMoments(25, 29));
    expect(small.ready).toBe(false);
    const a = mixtureConfidenceSequence(proportionMoments(70, 100), proportionMoments(80, 100));
    const b = mixtureConfidenceSequence(proportionMoments(700, 1000), proportionMoments(800, 1000));
    expect(a.diff).toBeCloseTo(0.1, 12);
    expect((a.low + a.high) / 2).toBeCloseTo(0.1, 12);
    expect(b.high - b.low).toBeLessThan(a.high - a.low);
    // Wider than the fixed-n 95% interval (±1.96·SE): the price of looking at every step.
    const se = Math.sqrt((0.21 + 0.16) / 1000);
    expect((b.high - b.low) / 2).toBeGreaterThan(1.96 * se);
    expect(b.low).toBeGreaterThan(0);
  });

  it('all approvals on both arms do not give a zero-width interval', () => {
    const cs = mixtureConfidenceSequence(proportionMoments(50, 50), proportionMoments(50, 50));
    expect(cs.high - cs.low).toBeGreaterThan(0);
    expect(cs.pValue).toBe(1);
  });
});

describe('split-test decisions under continuous peeking (simulation)', () => {
  it(`type-I: equal arms, a look every 10 per arm up to 3000, false decisions ≤ 5% + ${SLACK}`, () => {
    const approvals = rate(bernoulli(0.7), bernoulli(0.7), (d) => d !== 'keep_collecting');
    const scores = rate(score(0.6), score(0.6), (d) => d !== 'keep_collecting');
    // Measured: 0.015 (approvals) and 0.050 (scores); a fixed-n z-test looked at this often errs 0.45.
    expect(approvals).toBeLessThanOrEqual(0.05 + SLACK);
    expect(scores).toBeLessThanOrEqual(0.05 + SLACK);
  });

  // Measured: +5 points promoted 0.94, −5 rolled back 0.90, +3 promoted 0.47 (within 3000 per arm).
  it('power: +5 points of approval (70% → 75%) is promoted within 3000 per arm, −5 is rolled back', () => {
    const promoted = rate(bernoulli(0.7), bernoulli(0.75), (d) => d === 'promote');
    const rolledBack = rate(bernoulli(0.7), bernoulli(0.65), (d) => d === 'roll_back');
    expect(promoted).toBeGreaterThanOrEqual(0.8);
    expect(rolledBack).toBeGreaterThanOrEqual(0.8);
  });

  it('a guardrail worse beyond its tolerance rolls back even when quality is better', () => {
    const outcome = decideSplitTest({
      primary: {
        name: 'approval',
        higherIsBetter: true,
        control: proportionMoments(700, 1000),
        candidate: proportionMoments(800, 1000),
        effectScale: 0.05,
      },
      guardrails: [
        {
          name: 'latency_ms',
          higherIsBetter: false,
          control: { n: 1000, mean: 800, variance: 200 ** 2 },
          candidate: { n: 1000, mean: 1100, variance: 250 ** 2 },
          effectScale: 50,
          tolerance: 100,
        },
      ],
    });
    expect(outcome.decision).toBe('roll_back');
    expect(outcome.guardrails[0]?.verdict).toBe('worse');
    expect(outcome.reasons[0]).toMatch(/latency_ms/);
  });
});
