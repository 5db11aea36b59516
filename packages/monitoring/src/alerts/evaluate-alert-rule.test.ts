import { describe, expect, it } from 'vitest';
import { evaluateAlertRule, type SeriesWindow } from './evaluate-alert-rule.ts';

const MIN = 60_000;
const series = (values: (number | null)[], n = 100): SeriesWindow[] =>
  values.map((value, i) => ({
    windowStart: new Date(Date.UTC(2026, 0, 1, 0, 5 * i)).toISOString(),
    observation: { value, n },
  }));

describe('evaluateAlertRule', () => {
  const rule = { condition: { above: 0.1 }, forWindows: 2, minCount: 20 };

  it('fires after forWindows breaching windows, resolves after forWindows clear ones', () => {
    expect(evaluateAlertRule(rule, series([0.05, 0.2]), undefined, 5 * MIN)).toMatchObject({
      state: 'ok',
      transition: undefined,
    });
    const fired = evaluateAlertRule(rule, series([0.05, 0.2, 0.3]), undefined, 5 * MIN);
    expect(fired).toMatchObject({ state: 'firing', transition: 'firing', value: 0.3 });
    expect(fired.breachSince).toBe(series([0, 0])[1]!.windowStart);
    const prev = { state: 'firing' as const, breachSince: fired.breachSince };
    expect(evaluateAlertRule(rule, series([0.2, 0.3, 0.05]), prev, 5 * MIN)).toMatchObject({
      state: 'firing',
      transition: undefined,
    });
    expect(evaluateAlertRule(rule, series([0.3, 0.05, 0.02]), prev, 5 * MIN)).toMatchObject({
      state: 'ok',
      transition: 'resolved',
      breachSince: null,
    });
  });

  it('windows with too few items or no value neither breach nor clear', () => {
    expect(evaluateAlertRule(rule, series([0.5, 0.5], 5), undefined, 5 * MIN).state).toBe('ok');
    const prev = { state: 'firing' as const, breachSince: null };
    expect(evaluateAlertRule(rule, series([null, null]), prev, 5 * MIN)).toMatchObject({
      state: 'firing',
      value: null,
    });
  });

  it('a relative change compares with the adjacent previous window only', () => {
    const relative = { condition: { increaseAbove: 0.5 }, forWindows: 1, minCount: 1 };
    expect(evaluateAlertRule(relative, series([100, 160]), undefined, 5 * MIN).state).toBe('firing');
    expect(evaluateAlertRule(relative, series([100, 140]), undefined, 5 * MIN).state).toBe('ok');
    // Not adjacent (10 minutes apart at a 5-minute window): no previous, no verdict.
    const gap = [
      series([100])[0]!,
      { windowStart: series([0, 0, 0])[2]!.windowStart, observation: { value: 500, n: 10 } },
    ];
    expect(evaluateAlertRule(relative, gap, undefined, 5 * MIN).state).toBe('ok');
    const drop = { condition: { decreaseAbove: 0.3 }, forWindows: 1, minCount: 1 };
    expect(evaluateAlertRule(drop, series([0.9, 0.5]), undefined, 5 * MIN).state).toBe('firing');
  });
});
