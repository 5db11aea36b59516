import { describe, expect, it } from 'vitest';
import { inJudgingSample } from './judging-sample.ts';

describe('inJudgingSample', () => {
  it('is deterministic per request id and takes about the configured share', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `req-${i}`);
    const picked = ids.filter((id) => inJudgingSample(id, 0.1));
    // Binomial(10 000, 0.1): sd 30, so ±150 is 5 sd.
    expect(Math.abs(picked.length - 1000)).toBeLessThan(150);
    expect(ids.filter((id) => inJudgingSample(id, 0.1))).toEqual(picked);
    // A larger rate keeps every request a smaller rate picked (nested samples).
    const wider = new Set(ids.filter((id) => inJudgingSample(id, 0.3)));
    expect(picked.every((id) => wider.has(id))).toBe(true);
    expect(inJudgingSample('x', 0)).toBe(false);
    expect(inJudgingSample('x', 1)).toBe(true);
  });
});
