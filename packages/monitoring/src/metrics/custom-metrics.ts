import type { CustomMetric, InferenceMetricRow, MonitorNumericColumn } from '@ragops/core';
import { numericValue } from './row-columns.ts';
import { compileRowFilter } from './row-filter.ts';
import { SampleValues } from './sample-values.ts';

type Aggregate = Exclude<CustomMetric, { aggregate: 'ratio' }>;
type Compiled = { name: string; metric: Aggregate; passes: (row: InferenceMetricRow) => boolean };

/** The custom metrics of ragops.yaml `monitoring.metrics`, compiled once per refresh. */
export class CustomMetrics {
  readonly #aggregates: Compiled[];
  readonly #ratios: { name: string; ratio: readonly [string, string] }[];

  constructor(metrics: Record<string, CustomMetric>) {
    const entries = Object.entries(metrics);
    this.#aggregates = entries.flatMap(([name, metric]) =>
      metric.aggregate === 'ratio' ? [] : [{ name, metric, passes: compileRowFilter(metric.where) }],
    );
    this.#ratios = entries.flatMap(([name, metric]) =>
      metric.aggregate === 'ratio' ? [{ name, ratio: metric.of }] : [],
    );
  }

  get empty(): boolean {
    return this.#aggregates.length === 0 && this.#ratios.length === 0;
  }

  /** Fresh per-group state: one accumulator per aggregate metric. */
  start(): CustomMetricState {
    return new CustomMetricState(this.#aggregates, this.#ratios);
  }
}

/** One group's custom metric values as they accumulate. */
export class CustomMetricState {
  readonly #aggregates: Compiled[];
  readonly #ratios: { name: string; ratio: readonly [string, string] }[];
  readonly #counts: number[];
  readonly #values: SampleValues[];

  constructor(aggregates: Compiled[], ratios: { name: string; ratio: readonly [string, string] }[]) {
    this.#aggregates = aggregates;
    this.#ratios = ratios;
    this.#counts = aggregates.map(() => 0);
    this.#values = aggregates.map(() => new SampleValues());
  }

  add(row: InferenceMetricRow): void {
    for (const [i, { metric, passes }] of this.#aggregates.entries()) {
      if (!passes(row)) continue;
      this.#counts[i]!++;
      if (metric.aggregate !== 'count') this.#values[i]!.push(numericValue(row, metric.column as MonitorNumericColumn));
    }
  }

  /** Name → value (null: no row passed the filter, or a ratio's denominator is 0). */
  finish(builtins: { request_count: number; error_count: number }): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    for (const [i, { name, metric }] of this.#aggregates.entries()) {
      const values = this.#values[i]!;
      if (metric.aggregate === 'count') out[name] = this.#counts[i]!;
      else if (metric.aggregate === 'sum') out[name] = values.sum();
      else if (metric.aggregate === 'mean') out[name] = values.mean();
      else if (metric.aggregate === 'quantile') out[name] = values.quantiles([metric.q])[0]!;
    }
    const term = (name: string) => out[name] ?? builtins[name as keyof typeof builtins] ?? null;
    for (const { name, ratio } of this.#ratios) {
      const [numerator, denominator] = [term(ratio[0]), term(ratio[1])];
      out[name] = numerator === null || denominator === null || denominator === 0 ? null : numerator / denominator;
    }
    return out;
  }
}
