import { filterTextSchema, parseInput } from '@ragops/core';
import { readJudgeCalibrations } from '@ragops/evals';
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import type { ConsoleEnv } from './console-auth.ts';
import { layout, num } from './console-layout.ts';
import { chrome } from './page-query.ts';

const blank = (v: unknown) => (v === '' ? undefined : v);
const calibrationQuery = z.strictObject({
  judge: z.preprocess(blank, filterTextSchema(100).optional()),
  criterion: z.preprocess(blank, filterTextSchema(100).optional()),
});

// Two decimals, and no "-0.00" for a bootstrap bound a rounding error below zero.
const two = (x: number | null) => (x === null ? 'undefined' : num(Math.abs(x) < 0.005 ? 0 : x, 2));
const interval = (i: { low: number; high: number } | null | undefined) => (i ? ` [${two(i.low)}, ${two(i.high)}]` : '');

/**
 * /console/calibrations: the stored judge calibrations, the ones the promotion gate reads (computed
 * by `ragops eval calibration` as an admin). They are aggregates over items (agreement, n), no item
 * content, so every signed-in principal sees them, as every caller of the gate does in its reasons.
 */
export function registerCalibrationPages(ui: Hono<ConsoleEnv>, ctx: AppContext): void {
  ui.get('/calibrations', async (c) => {
    const q = parseInput(calibrationQuery, c.req.query(), 'query');
    const rows = await readJudgeCalibrations(ctx.store, {
      ...(q.judge && { judge: q.judge }),
      ...(q.criterion && { criterion: q.criterion }),
    });
    const body = rows.map(
      (r) => html`<tr class="${r.calibrated ? 'calibrated' : 'uncalibrated'}">
        <td>${r.judge}</td>
        <td><code title="${r.judgeVersion}">${r.judgeVersion.slice(0, 12)}</code></td>
        <td>${r.judgeModel ?? '–'}</td>
        <td>${r.criterion}</td>
        <td>${r.statistic === 'kappa' ? 'κ' : 'weighted κ'}</td>
        <td class="num">${two(r.value)}${interval(r.interval)}</td>
        <td class="num">${r.spearman ? `${two(r.spearman.value)}${interval(r.spearman.interval)}` : '–'}</td>
        <td class="num">${r.n}</td>
        <td>${r.calibrated ? html`<span class="ok">calibrated</span>` : html`<span class="error">uncalibrated</span>`}</td>
        <td>${r.reason}</td>
        <td title="${r.computedAt}">${r.computedAt.slice(0, 10)}</td>
      </tr>`,
    );
    return c.html(
      layout({
        ...chrome(c),
        title: 'Judge calibrations',
        body: html`<h1>Judge calibrations</h1>
          <p class="muted">Agreement of each judge (name, prompt hash or algorithm version, judge model) with reviewers' labels on the
            same eval rows, per criterion: Cohen's κ for categorical criteria, quadratic-weighted κ for ordinal ones with
            Spearman's ρ beside it; 95% bootstrap intervals over items. A judge with too few items or low agreement is
            uncalibrated, and the promotion gate does not count it.</p>
          ${
            body.length === 0
              ? html`<p class="muted">No stored calibrations yet: <code>ragops eval calibration</code> computes and stores them.</p>`
              : html`<div class="scroll"><table>
                <thead><tr><th>Judge</th><th>Version</th><th>Judge model</th><th>Criterion</th><th>Statistic</th><th class="num">Value [95%]</th>
                  <th class="num">Spearman ρ [95%]</th><th class="num">n</th>
                  <th>Status</th><th>Why</th><th>Computed</th></tr></thead>
                <tbody>${body}</tbody>
              </table></div>`
          }`,
      }),
    );
  });
}
