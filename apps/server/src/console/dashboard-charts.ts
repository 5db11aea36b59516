import type { MetricPoint, Rate, WindowSize } from '@ragops/monitoring';
import { WINDOW_MS } from '@ragops/monitoring';
import { html } from 'hono/html';
import type { Fragment } from './console-layout.ts';

/** One line of a chart; `group` picks its colour (a series and its interval bounds share one). */
export type ChartLine = { label: string; group: number; values: (number | null)[]; dash?: boolean };

/**
 * What the browser script hands to uPlot: x in Unix seconds (window starts, ascending, shared by
 * every line; null where a series has no row in that window, drawn as a gap).
 */
export type ChartSpec = {
  id: string;
  title: string;
  unit: string;
  windowSeconds: number;
  x: number[];
  lines: ChartLine[];
};

/** A served version × arm × slice value: one colour on every chart. */
const seriesKey = (p: MetricPoint) =>
  `v${p.modelVersion} ${p.servedEntity || '(no arm)'}${p.trafficArm === 'live' ? '' : ` ${p.trafficArm}`}${p.sliceValue ? ` ${p.slice}=${p.sliceValue}` : ''}`;

type ValueOf = (p: MetricPoint) => number | null;
const mean = (r: (p: MetricPoint) => Rate) => (p: MetricPoint) => r(p)?.mean ?? null;
const low = (r: (p: MetricPoint) => Rate) => (p: MetricPoint) => r(p)?.low ?? null;
const high = (r: (p: MetricPoint) => Rate) => (p: MetricPoint) => r(p)?.high ?? null;
/** A rate as three lines: the mean, and its Wilson 95% bounds dashed. */
const withInterval = (name: string, r: (p: MetricPoint) => Rate): [string, ValueOf, boolean][] => [
  [name, mean(r), false],
  [`${name} low`, low(r), true],
  [`${name} high`, high(r), true],
];

type ChartDef = {
  id: string;
  title: string;
  unit: string;
  lines: (points: readonly MetricPoint[]) => [string, ValueOf, boolean][];
};

const CHARTS: ChartDef[] = [
  {
    id: 'requests',
    title: 'Requests per window',
    unit: 'requests',
    lines: () => [['requests', (p) => p.requestCount, false]],
  },
  {
    id: 'error-rate',
    title: 'Error rate (Wilson 95% interval dashed)',
    unit: 'share',
    lines: () => withInterval('errors', (p) => p.errorRate),
  },
  {
    id: 'latency',
    title: 'Latency p50 (dashed) and p95',
    unit: 'ms',
    lines: () => [
      ['p95', (p) => p.latencyTotal.p95, false],
      ['p50', (p) => p.latencyTotal.p50, true],
    ],
  },
  {
    id: 'cost',
    title: 'Cost per request',
    unit: 'USD',
    lines: () => [['cost/request', (p) => p.costPerRequestUsd, false]],
  },
  {
    id: 'empty-retrieval',
    title: 'Empty retrieval rate (95% interval dashed)',
    unit: 'share',
    lines: () => withInterval('empty', (p) => p.emptyRetrievalRate),
  },
  {
    id: 'approval',
    title: 'End-user approval (95% interval dashed)',
    unit: 'share',
    lines: () => withInterval('approval', (p) => p.endUserApproval),
  },
  {
    id: 'judges',
    title: 'Online judge scores (mean per window)',
    unit: 'score',
    lines: (points) =>
      [...new Set(points.flatMap((p) => Object.keys(p.judgeScores)))]
        .sort()
        .map((j): [string, ValueOf, boolean] => [j, (p) => p.judgeScores[j]?.mean ?? null, false]),
  },
  {
    id: 'top-score',
    title: 'Top retrieval score (mean)',
    unit: 'score',
    lines: () => [['top score', (p) => p.retrievalTopScoreMean, false]],
  },
];

/**
 * The dashboard's charts of an endpoint's metric points (one window size): per chart, one line per
 * series (version × arm × slice value) and metric, aligned on the windows that occur. Lines with no
 * value at all are dropped; a chart without lines is returned empty (the page says "no data").
 */
export function metricCharts(points: readonly MetricPoint[], windowSize: WindowSize): ChartSpec[] {
  const x = [...new Set(points.map((p) => Date.parse(p.windowStart) / 1000))].sort((a, b) => a - b);
  const at = new Map(x.map((t, i) => [t, i]));
  const keys = [...new Set(points.map(seriesKey))].sort();
  return CHARTS.map((def) => {
    const lines: ChartLine[] = [];
    for (const [group, key] of keys.entries()) {
      const mine = points.filter((p) => seriesKey(p) === key);
      for (const [name, pick, dash] of def.lines(points)) {
        const values: (number | null)[] = x.map(() => null);
        for (const p of mine) values[at.get(Date.parse(p.windowStart) / 1000)!] = pick(p);
        if (values.some((v) => v !== null))
          lines.push({ label: `${key} · ${name}`, group, values, ...(dash && { dash }) });
      }
    }
    return { id: def.id, title: def.title, unit: def.unit, windowSeconds: WINDOW_MS[windowSize] / 1000, x, lines };
  });
}

/**
 * A chart's container: the spec rides in a data attribute (hono/html escapes it; the browser
 * unescapes attribute values, so no inline script is needed under CSP `script-src 'self'`).
 */
export function chartView(spec: ChartSpec): Fragment {
  return html`<section class="card chart-card" data-chart-id="${spec.id}">
    <h3>${spec.title}</h3>
    ${
      spec.lines.length === 0
        ? html`<p class="muted">No data in this range.</p>`
        : html`<div class="uplot-chart" data-chart="${JSON.stringify(spec)}" role="img" aria-label="${spec.title}"></div>`
    }
  </section>`;
}
