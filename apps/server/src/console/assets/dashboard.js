// The monitoring dashboard's charts: each .uplot-chart carries its spec (dashboard-charts.ts) in
// data-chart; uPlot (loaded before this file) draws it. Without script the page still shows every
// number in its tables.

const PALETTE = ['#2456c9', '#d2691e', '#1d7a3b', '#8e44ad', '#b3261e', '#16a2b8', '#7a5600', '#555f70'];

function format(value, unit) {
  if (value === null || value === undefined) return '–';
  if (unit === 'requests') return String(value);
  if (unit === 'ms') return `${value.toFixed(0)} ms`;
  if (unit === 'USD') return `$${value.toPrecision(3)}`;
  return value.toFixed(3);
}

function draw(el) {
  const spec = JSON.parse(el.dataset.chart);
  const pad = spec.windowSeconds / 2;
  const series = [
    {},
    ...spec.lines.map((line) => ({
      label: line.label,
      stroke: PALETTE[line.group % PALETTE.length],
      width: line.dash ? 1 : 2,
      dash: line.dash ? [4, 4] : undefined,
      points: { show: spec.x.length <= 48 },
      value: (_u, v) => format(v, spec.unit),
    })),
  ];
  const options = {
    width: Math.max(320, el.clientWidth),
    height: 220,
    series,
    // One window alone would be a zero-width range: pad by half a window on each side.
    scales: { x: { time: true, range: (_u, min, max) => [min - pad, max + pad] } },
    axes: [{}, { values: (_u, ticks) => ticks.map((t) => format(t, spec.unit)), size: 72 }],
  };
  new uPlot(options, [spec.x, ...spec.lines.map((line) => line.values)], el);
  el.dataset.drawn = 'true';
}

document.addEventListener('DOMContentLoaded', () => {
  for (const el of document.querySelectorAll('.uplot-chart[data-chart]')) draw(el);
});
