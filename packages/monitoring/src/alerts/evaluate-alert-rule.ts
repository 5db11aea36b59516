import type { AlertCondition, AlertRule } from './alert-config.ts';
import type { AlertObservation } from './alert-metrics.ts';

/** An alert's state per rule × series (a served version × arm of the endpoint). */
export const ALERT_STATES = ['ok', 'firing'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** One complete window of a series, oldest first. */
export type SeriesWindow = { windowStart: string; observation: AlertObservation };

export type RuleEvaluation = {
  state: AlertState;
  /** The newest window's value the verdict rests on (null: no usable window). */
  value: number | null;
  /** Start of the first window of the current breach, while breaching. */
  breachSince: string | null;
  /** Set when this evaluation changed the state. */
  transition: 'firing' | 'resolved' | undefined;
};

type Reading = { windowStart: string; value: number; breach: boolean };

function breaches(condition: AlertCondition, value: number, previous: number | undefined): boolean | undefined {
  if ('above' in condition) return value > condition.above;
  if ('below' in condition) return value < condition.below;
  // A relative change needs a previous value; from 0 any rise is infinite, so it is not judged.
  if (previous === undefined || previous === 0) return undefined;
  const change = (value - previous) / Math.abs(previous);
  return 'increaseAbove' in condition ? change > condition.increaseAbove : -change > condition.decreaseAbove;
}

/**
 * The state of one rule on one series after these windows (a pure function of its inputs, so a
 * refresh that runs twice decides the same). Windows whose observation rests on fewer than
 * `minCount` items, or that have no value, neither breach nor clear. The alert fires when the last
 * `forWindows` usable windows all breach, and resolves when the last `forWindows` all clear.
 */
export function evaluateAlertRule(
  rule: Pick<AlertRule, 'condition' | 'forWindows' | 'minCount'>,
  windows: readonly SeriesWindow[],
  previous: { state: AlertState; breachSince: string | null } | undefined,
  windowMs: number,
): RuleEvaluation {
  const readings: Reading[] = [];
  for (let i = 0; i < windows.length; i++) {
    const w = windows[i]!;
    if (w.observation.value === null || w.observation.n < rule.minCount) continue;
    const before = windows[i - 1];
    const adjacent = before && Date.parse(w.windowStart) - Date.parse(before.windowStart) === windowMs;
    const prevValue =
      adjacent && before.observation.n >= rule.minCount ? (before.observation.value ?? undefined) : undefined;
    const breach = breaches(rule.condition, w.observation.value, prevValue);
    if (breach !== undefined) readings.push({ windowStart: w.windowStart, value: w.observation.value, breach });
  }
  const state = previous?.state ?? 'ok';
  const last = readings.slice(-rule.forWindows);
  const latest = readings.at(-1);
  let breachSince = latest?.breach ? (previous?.breachSince ?? null) : null;
  if (latest?.breach) {
    // The start of the trailing run of breaching windows.
    let i = readings.length - 1;
    while (i > 0 && readings[i - 1]!.breach) i--;
    breachSince = readings[i]!.windowStart;
  }
  const full = last.length === rule.forWindows;
  let next: AlertState = state;
  if (state === 'ok' && full && last.every((r) => r.breach)) next = 'firing';
  if (state === 'firing' && full && last.every((r) => !r.breach)) next = 'ok';
  return {
    state: next,
    value: latest?.value ?? null,
    breachSince,
    transition: next === state ? undefined : next === 'firing' ? 'firing' : 'resolved',
  };
}
