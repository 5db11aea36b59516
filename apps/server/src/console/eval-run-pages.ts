import { parseInput } from '@ragops/core';
import { type EvalRun, listEvalRunRows, listEvalRuns } from '@ragops/evals';
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import type { ConsoleEnv } from './console-auth.ts';
import { layout, num } from './console-layout.ts';
import { chrome, pageTokenQuery, readAs } from './page-query.ts';

/** The eval run id rule of the REST API (er_ + 12 hex). */
export const evalRunIdSchema = z.string().regex(/^er_[0-9a-f]{12}$/, 'eval run ids look like er_0123456789ab');

const versionLink = (run: EvalRun) =>
  html`<a href="/console/models/${encodeURIComponent(run.modelName)}/versions/${run.modelVersion}">${run.versionUri}</a>`;

/** /console/eval-runs and /console/eval-runs/:id (metrics with intervals, rows). */
export function registerEvalRunPages(ui: Hono<ConsoleEnv>, ctx: AppContext): void {
  ui.get('/eval-runs', async (c) => {
    const query = parseInput(pageTokenQuery, c.req.query(), 'query');
    const page = await listEvalRuns({ ...readAs(c, ctx), pageSize: 100, ...query });
    const rows = page.items.map(
      (r) => html`<tr>
        <td><a href="/console/eval-runs/${r.id}">${r.id}</a></td>
        <td>${versionLink(r)}</td>
        <td>${r.dataset.name}</td>
        <td>${r.status}</td>
        <td class="num">${r.rowsDone}/${r.rowsTotal}</td>
        <td>${r.createdAt}</td>
      </tr>`,
    );
    return c.html(
      layout({
        ...chrome(c),
        title: 'Eval runs',
        body: html`<h1>Eval runs</h1>
          ${
            rows.length === 0
              ? html`<p class="muted">No eval runs on models you may read.</p>`
              : html`<table>
                <thead><tr><th>Run</th><th>Version</th><th>Dataset</th><th>Status</th><th class="num">Rows</th><th>Created</th></tr></thead>
                <tbody>${rows}</tbody>
              </table>`
          }
          ${page.nextPageToken ? html`<p><a href="/console/eval-runs?pageToken=${encodeURIComponent(page.nextPageToken)}">Next page →</a></p>` : ''}`,
      }),
    );
  });

  ui.get('/eval-runs/:id', async (c) => {
    const id = parseInput(evalRunIdSchema, c.req.param('id'), 'id');
    const query = parseInput(pageTokenQuery, c.req.query(), 'query');
    const { run, items, nextPageToken } = await listEvalRunRows({ ...readAs(c, ctx), id, pageSize: 100, ...query });
    const metrics = (run.aggregates?.metrics ?? []).map(
      (m) => html`<tr>
        <td>${m.judge}</td>
        <td>${m.kind}</td>
        <td class="num">${num(m.overall?.mean)}</td>
        <td class="num">${m.overall ? `[${num(m.overall.low)}, ${num(m.overall.high)}]` : '–'}</td>
        <td class="num">${m.overall?.n ?? 0}</td>
        <td class="num">${m.errors}</td>
        <td class="num">${m.skipped}</td>
        <td>${m.overall ? html`<meter min="0" max="1" value="${m.overall.mean}"></meter>` : ''}</td>
      </tr>`,
    );
    const judges = run.judges.map((j) => j.name);
    const rows = items.map(
      (r) => html`<tr>
        <td>${r.rowId}</td>
        <td>${r.question}</td>
        <td class="answer">${r.status === 'ok' ? r.answer : html`<span class="error">${r.error?.message}</span>`}</td>
        ${judges.map((j) => html`<td class="num">${num(r.scores[j]?.score, 2)}</td>`)}
      </tr>`,
    );
    return c.html(
      layout({
        ...chrome(c),
        title: `Eval run ${run.id}`,
        body: html`<h1>Eval run ${run.id}</h1>
          <p>${versionLink(run)} on <code>${run.dataset.name}</code> (<code>${run.dataset.contentHash.slice(0, 12)}</code>)
            · ${run.status} · ${run.rowsDone}/${run.rowsTotal} rows · by ${run.createdBy}, ${run.createdAt}</p>
          ${run.error ? html`<p class="error">${run.error}</p>` : ''}
          <h2>Metrics</h2>
          ${
            metrics.length === 0
              ? html`<p class="muted">No aggregates yet.</p>`
              : html`<table>
                <thead><tr><th>Judge</th><th>Kind</th><th class="num">Mean</th><th class="num">95% interval</th><th class="num">n</th><th class="num">Errors</th><th class="num">Skipped</th><th></th></tr></thead>
                <tbody>${metrics}</tbody>
              </table>`
          }
          <h2>Rows</h2>
          <table>
            <thead><tr><th>Row</th><th>Question</th><th>Answer</th>${judges.map((j) => html`<th class="num">${j}</th>`)}</tr></thead>
            <tbody>${rows}</tbody>
          </table>
          ${nextPageToken ? html`<p><a href="/console/eval-runs/${run.id}?pageToken=${encodeURIComponent(nextPageToken)}">Next page →</a></p>` : ''}`,
      }),
    );
  });
}
