import type { FeedbackDay } from '@ragops/evals';
import { html } from 'hono/html';
import type { Fragment } from './console-layout.ts';

const WIDTH = 640;
const HEIGHT = 170;
const PAD = { left: 36, right: 8, top: 10, bottom: 34 };

/** The UTC days from `first` to `last` inclusive, as YYYY-MM-DD. */
export function dayRange(first: string, last: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/**
 * Approval per day as a server-rendered SVG (no script, no CDN): a dot at the approval rate with its
 * 95% Wilson interval as a whisker, and the day's count of rated feedback under the axis. Days
 * without rated feedback have no dot. Escaping: hono/html escapes every value; numbers only.
 */
export function approvalChart(days: readonly FeedbackDay[], range: readonly string[], label: string): Fragment {
  const byDay = new Map(days.map((d) => [d.day, d]));
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const step = innerW / Math.max(1, range.length);
  const x = (i: number) => PAD.left + step * (i + 0.5);
  const y = (p: number) => PAD.top + innerH * (1 - p);
  const grid = [0, 0.5, 1].map(
    (p) => html`<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(p)}" y2="${y(p)}" class="grid"></line>
      <text x="${PAD.left - 4}" y="${y(p) + 4}" text-anchor="end">${p}</text>`,
  );
  const marks = range.map((day, i) => {
    const d = byDay.get(day);
    const tick =
      i % Math.ceil(range.length / 8) === 0
        ? html`<text x="${x(i)}" y="${HEIGHT - 4}" text-anchor="middle">${day.slice(5)}</text>`
        : '';
    if (!d?.approval) return tick;
    const a = d.approval;
    return html`<g class="day"><title>${day}: approval ${a.mean.toFixed(2)} [${a.low.toFixed(2)}, ${a.high.toFixed(2)}], n = ${a.n}</title>
      <line x1="${x(i)}" x2="${x(i)}" y1="${y(a.low)}" y2="${y(a.high)}" class="whisker"></line>
      <circle cx="${x(i)}" cy="${y(a.mean)}" r="3.5" class="dot"></circle>
      <text x="${x(i)}" y="${HEIGHT - PAD.bottom + 13}" text-anchor="middle" class="n">${a.n}</text></g>${tick}`;
  });
  return html`<svg class="chart" role="img" aria-label="${label}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" xmlns="http://www.w3.org/2000/svg">
    ${grid}${marks}
  </svg>`;
}
