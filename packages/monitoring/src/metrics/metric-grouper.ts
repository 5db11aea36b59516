import type { InferenceMetricRow, MonitoringSpec } from '@ragops/core';
import type { FeedbackSignal } from '@ragops/evals';
import { CustomMetrics } from './custom-metrics.ts';
import { type JudgeScore, MetricAccumulator } from './metric-accumulator.ts';
import type { MetricKey, MetricRow } from './metric-row.ts';
import { MAX_SLICE_VALUES, OTHER_SLICE_VALUE, sliceLabel } from './slice-values.ts';
import { isoOf, type WindowSize, windowStartMs } from './windows.ts';

/** Which windows of one size a pass recomputes: every window starting at or after `fromMs`, or exactly these starts. */
export type WindowSelection =
  | { size: WindowSize; fromMs: number }
  | { size: WindowSize; startsMs: ReadonlySet<number> };

/**
 * Routes scanned inference rows into metric-row accumulators: per selected window × endpoint ×
 * version × arm, once unsliced (`all`) and once per configured slice. A slice keeps at most
 * MAX_SLICE_VALUES values per window × endpoint (a slice on `caller` must not grow without bound).
 */
export class MetricGrouper {
  readonly #selections: readonly WindowSelection[];
  readonly #slices: [string, MonitoringSpec['slices'][string]][];
  readonly #custom: CustomMetrics;
  readonly #groups = new Map<string, MetricAccumulator>();
  readonly #sliceValues = new Map<string, Set<string>>();
  readonly #feedback: ReadonlyMap<string, readonly FeedbackSignal[]>;
  readonly #judged: ReadonlyMap<string, readonly JudgeScore[]>;
  rowsRead = 0;

  constructor(args: {
    spec: MonitoringSpec;
    selections: readonly WindowSelection[];
    feedback: ReadonlyMap<string, readonly FeedbackSignal[]>;
    judged: ReadonlyMap<string, readonly JudgeScore[]>;
  }) {
    this.#selections = args.selections;
    this.#slices = Object.entries(args.spec.slices);
    this.#custom = new CustomMetrics(args.spec.metrics);
    this.#feedback = args.feedback;
    this.#judged = args.judged;
  }

  add(rows: readonly InferenceMetricRow[]): void {
    for (const row of rows) {
      this.rowsRead++;
      const ms = Date.parse(row.ts);
      const feedback = this.#feedback.get(row.requestId) ?? [];
      const judged = this.#judged.get(row.requestId) ?? [];
      for (const selection of this.#selections) {
        const start = windowStartMs(ms, selection.size);
        if ('fromMs' in selection ? start < selection.fromMs : !selection.startsMs.has(start)) continue;
        const base = {
          windowSize: selection.size,
          windowStart: isoOf(start),
          endpoint: row.endpoint,
          modelVersion: row.modelVersion ?? 0,
          servedEntity: row.servedEntity ?? '',
          trafficArm: row.trafficArm,
        };
        this.#group({ ...base, slice: 'all', sliceValue: '' }).add(row, feedback, judged);
        for (const [name, slice] of this.#slices) {
          const value = this.#capped(
            `${base.windowSize}\u0000${base.windowStart}\u0000${row.endpoint}\u0000${name}`,
            sliceLabel(row, slice),
          );
          this.#group({ ...base, slice: name, sliceValue: value }).add(row, feedback, judged);
        }
      }
    }
  }

  /** The finished metric rows, in key order. */
  finish(computedAt: string): MetricRow[] {
    return [...this.#groups.values()].map((g) => g.finish(computedAt));
  }

  #capped(scope: string, value: string): string {
    let seen = this.#sliceValues.get(scope);
    if (!seen) {
      seen = new Set();
      this.#sliceValues.set(scope, seen);
    }
    if (seen.has(value)) return value;
    if (seen.size >= MAX_SLICE_VALUES) return OTHER_SLICE_VALUE;
    seen.add(value);
    return value;
  }

  #group(key: MetricKey): MetricAccumulator {
    const id = [
      key.windowSize,
      key.windowStart,
      key.endpoint,
      key.modelVersion,
      key.servedEntity,
      key.trafficArm,
      key.slice,
      key.sliceValue,
    ].join('\u0000');
    let group = this.#groups.get(id);
    if (!group) {
      group = new MetricAccumulator(key, this.#custom.empty ? undefined : this.#custom.start());
      this.#groups.set(id, group);
    }
    return group;
  }
}
