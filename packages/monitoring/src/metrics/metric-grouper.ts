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

/** The open window of one size: its accumulators and the slice values seen in it. */
type OpenWindow = { startMs: number; groups: Map<string, MetricAccumulator>; sliceValues: Map<string, Set<string>> };

/**
 * Routes scanned inference rows into metric-row accumulators: per selected window × endpoint ×
 * version × arm, once unsliced (`all`) and once per configured slice. Rows must come in `ts` order
 * (scanInferenceRows' order): a window is finished as soon as a row of a later window arrives, so
 * only one window per size holds its values in memory (bench:monitor: 1M rows in one day peaked at
 * 1.1 GB RSS when every window stayed open to the end). A slice keeps at most MAX_SLICE_VALUES
 * values per window × endpoint (a slice on `caller` must not grow without bound).
 */
export class MetricGrouper {
  readonly #selections: readonly WindowSelection[];
  readonly #slices: [string, MonitoringSpec['slices'][string]][];
  readonly #custom: CustomMetrics;
  readonly #open = new Map<WindowSize, OpenWindow>();
  readonly #finished: MetricRow[] = [];
  readonly #feedback: ReadonlyMap<string, readonly FeedbackSignal[]>;
  readonly #judged: ReadonlyMap<string, readonly JudgeScore[]>;
  readonly #computedAt: string;
  rowsRead = 0;

  constructor(args: {
    spec: MonitoringSpec;
    selections: readonly WindowSelection[];
    feedback: ReadonlyMap<string, readonly FeedbackSignal[]>;
    judged: ReadonlyMap<string, readonly JudgeScore[]>;
    computedAt: string;
  }) {
    this.#selections = args.selections;
    this.#slices = Object.entries(args.spec.slices);
    this.#custom = new CustomMetrics(args.spec.metrics);
    this.#feedback = args.feedback;
    this.#judged = args.judged;
    this.#computedAt = args.computedAt;
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
        const window = this.#window(selection.size, start);
        const base = {
          windowSize: selection.size,
          windowStart: isoOf(start),
          endpoint: row.endpoint,
          modelVersion: row.modelVersion ?? 0,
          servedEntity: row.servedEntity ?? '',
          trafficArm: row.trafficArm,
        };
        this.#group(window, { ...base, slice: 'all', sliceValue: '' }).add(row, feedback, judged);
        for (const [name, slice] of this.#slices) {
          const value = capped(window, `${row.endpoint}\u0000${name}`, sliceLabel(row, slice));
          this.#group(window, { ...base, slice: name, sliceValue: value }).add(row, feedback, judged);
        }
      }
    }
  }

  /** Every metric row: the windows finished during the scan, then the open ones. */
  finish(): MetricRow[] {
    for (const size of [...this.#open.keys()]) this.#close(size);
    return this.#finished;
  }

  /** The open window of `size` at `startMs`, finishing the previous one when the scan has moved past it. */
  #window(size: WindowSize, startMs: number): OpenWindow {
    const open = this.#open.get(size);
    if (open && open.startMs === startMs) return open;
    if (open && startMs < open.startMs) throw new Error('metric grouper: rows must arrive in ts order');
    if (open) this.#close(size);
    const window: OpenWindow = { startMs, groups: new Map(), sliceValues: new Map() };
    this.#open.set(size, window);
    return window;
  }

  #close(size: WindowSize): void {
    const open = this.#open.get(size);
    if (!open) return;
    for (const group of open.groups.values()) this.#finished.push(group.finish(this.#computedAt));
    this.#open.delete(size);
  }

  #group(window: OpenWindow, key: MetricKey): MetricAccumulator {
    const id = [key.endpoint, key.modelVersion, key.servedEntity, key.trafficArm, key.slice, key.sliceValue].join(
      '\u0000',
    );
    let group = window.groups.get(id);
    if (!group) {
      group = new MetricAccumulator(key, this.#custom.empty ? undefined : this.#custom.start());
      window.groups.set(id, group);
    }
    return group;
  }
}

function capped(window: OpenWindow, scope: string, value: string): string {
  let seen = window.sliceValues.get(scope);
  if (!seen) {
    seen = new Set();
    window.sliceValues.set(scope, seen);
  }
  if (seen.has(value)) return value;
  if (seen.size >= MAX_SLICE_VALUES) return OTHER_SLICE_VALUE;
  seen.add(value);
  return value;
}
