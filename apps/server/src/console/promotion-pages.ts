import {
  aliasNameProblem,
  getModel,
  getModelVersion,
  listModels,
  parseInput,
  parseModelName,
  RagopsError,
} from '@ragops/core';
import {
  allRunRows,
  compareEvalRuns,
  type EvalRun,
  type GateDecision,
  getEvalRun,
  getGateDecision,
  indexPassageLookup,
  listGateDecisions,
} from '@ragops/evals';
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import type { ConsoleEnv } from './console-auth.ts';
import { layout } from './console-layout.ts';
import { chrome, readAs } from './page-query.ts';
import { metricsTable, pairRows, rowPairView } from './promotion-compare.ts';
import { criteriaTable, decisionHref, outcomeBadge, runsTable, sideOf, versionLink } from './promotion-view.ts';

const blank = (v: unknown) => (v === '' ? undefined : v);
// The registry's alias rule (one rule: the REST promotions route uses it too).
const aliasSchema = z
  .string()
  .max(64)
  .superRefine((alias, issue) => {
    const problem = aliasNameProblem(alias);
    if (problem) issue.addIssue({ code: 'custom', message: problem });
  });
const listQuery = z.strictObject({
  model: z.preprocess(blank, z.string().min(1).max(500).optional()),
  alias: z.preprocess(blank, aliasSchema.optional()),
  pageToken: z.string().max(2000).optional(),
});
/** The decision id rule of the gate (gd_ + 12 hex). */
const decisionIdSchema = z.string().regex(/^gd_[0-9a-f]{12}$/, 'gate decision ids look like gd_0123456789ab');
const compareQuery = z.strictObject({
  dataset: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'a dataset name of the decision'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});
/** Rows per compare page: each shows two answers, two passage lists and every judge's verdict. */
const ROWS_PER_PAGE = 20;

/** The decision's runs the actor may read (all of them, as READ on the model was checked), and how many are gone. */
async function decisionRuns(c: Context<ConsoleEnv>, ctx: AppContext, d: GateDecision) {
  const runs: EvalRun[] = [];
  let hidden = 0;
  for (const id of d.runIds) {
    try {
      runs.push(await getEvalRun({ ...readAs(c, ctx), id }));
    } catch (error) {
      if (!RagopsError.isInstance(error) || error.code !== 'not_found') throw error;
      hidden++;
    }
  }
  return { runs, hidden };
}

/** /console/promotions (decision history per model and alias), /promotions/:id, /promotions/:id/compare. */
export function registerPromotionPages(ui: Hono<ConsoleEnv>, ctx: AppContext): void {
  ui.get('/promotions', async (c) => {
    const q = parseInput(listQuery, c.req.query(), 'query');
    if (!q.model) {
      const models = await listModels({ ...readAs(c, ctx), pageSize: 100 });
      const items = models.items.map(
        (m) => html`<li><a href="/console/promotions?model=${encodeURIComponent(m.fullName)}">${m.fullName}</a>
          ${m.aliases.map((a) => html` <a class="tag" href="/console/promotions?model=${encodeURIComponent(m.fullName)}&alias=${a.alias}">@${a.alias}</a>`)}</li>`,
      );
      return c.html(
        layout({
          ...chrome(c),
          title: 'Promotions',
          body: html`<h1>Promotions</h1>
            ${items.length === 0 ? html`<p class="muted">No models you may read.</p>` : html`<ul>${items}</ul>`}`,
        }),
      );
    }
    parseModelName(q.model);
    const model = await getModel({ ...readAs(c, ctx), name: q.model });
    const page = await listGateDecisions({
      ...readAs(c, ctx),
      model: model.fullName,
      pageSize: 50,
      ...(q.alias && { alias: q.alias }),
      ...(q.pageToken && { pageToken: q.pageToken }),
    });
    const base = `/console/promotions?model=${encodeURIComponent(model.fullName)}`;
    const aliasLinks = [
      html`<a class="tag${q.alias ? '' : ' active'}" href="${base}">all aliases</a>`,
      ...model.aliases.map(
        (a) =>
          html` <a class="tag${q.alias === a.alias ? ' active' : ''}" href="${base}&alias=${a.alias}">@${a.alias} → v${a.version}</a>`,
      ),
    ];
    const rows = page.items.map(
      (d) => html`<tr class="decision" data-outcome="${d.outcome}">
        <td><a href="${decisionHref(d.id)}">${d.createdAt}</a></td>
        <td>@${d.alias}</td>
        <td>${versionLink(d.model, d.candidateVersion)}</td>
        <td>${versionLink(d.model, d.holderVersion)}</td>
        <td>${outcomeBadge(d)}</td>
        <td>${d.createdBy}</td>
        <td class="num">${d.runIds.length}</td>
        <td>${d.outcome === 'override' ? html`<strong>override:</strong> ` : ''}${d.reason}${d.note ? html` <span class="muted">(${d.note})</span>` : ''}</td>
      </tr>`,
    );
    const next = page.nextPageToken
      ? html`<p><a href="${base}${q.alias ? `&alias=${q.alias}` : ''}&pageToken=${encodeURIComponent(page.nextPageToken)}">Next page →</a></p>`
      : '';
    return c.html(
      layout({
        ...chrome(c),
        title: `Promotions of ${model.fullName}`,
        body: html`<h1>Promotions of ${model.fullName}</h1>
          <p>${aliasLinks}</p>
          ${
            rows.length === 0
              ? html`<p class="muted">No promotion decisions${q.alias ? ` for @${q.alias}` : ''}.</p>`
              : html`<table class="decisions">
                <thead><tr><th>Decided</th><th>Alias</th><th>Candidate</th><th>Holder</th><th>Outcome</th><th>By</th><th class="num">Runs</th><th>Reason</th></tr></thead>
                <tbody>${rows}</tbody>
              </table>`
          }${next}`,
      }),
    );
  });

  ui.get('/promotions/:id', async (c) => {
    const id = parseInput(decisionIdSchema, c.req.param('id'), 'id');
    const d = await getGateDecision({ ...readAs(c, ctx), id });
    const { runs, hidden } = await decisionRuns(c, ctx, d);
    const datasets = [...new Set(runs.filter((r) => sideOf(d, r) === 'candidate').map((r) => r.dataset.name))];
    const compare = datasets.map(
      (name) =>
        html`<li><a href="${decisionHref(d.id)}/compare?dataset=${encodeURIComponent(name)}">${d.holderVersion === null ? 'Candidate rows' : 'Champion vs candidate'} on ${name}</a></li>`,
    );
    return c.html(
      layout({
        ...chrome(c),
        title: `Decision ${d.id}`,
        body: html`<h1>Decision ${d.id}</h1>
          <p><a href="/console/promotions?model=${encodeURIComponent(d.model)}&alias=${d.alias}">← decisions of ${d.model}@${d.alias}</a></p>
          <table class="card"><tbody>
            <tr><th>Outcome</th><td>${outcomeBadge(d)}${d.note ? html` <span class="muted">${d.note}</span>` : ''}</td></tr>
            <tr><th>Alias</th><td><code>${d.model}@${d.alias}</code></td></tr>
            <tr><th>Candidate</th><td>${versionLink(d.model, d.candidateVersion)}</td></tr>
            <tr><th>Holder then</th><td>${versionLink(d.model, d.holderVersion)}</td></tr>
            <tr><th>By</th><td>${d.createdBy}, ${d.createdAt}</td></tr>
            <tr><th>Reason</th><td>${d.reason || html`<span class="muted">–</span>`}</td></tr>
            <tr><th>Policy</th><td>${d.policyHash ? html`<code>${d.policyHash.slice(0, 12)}</code>` : html`<span class="muted">no gate</span>`}</td></tr>
          </tbody></table>
          <h2>Decision table</h2>${criteriaTable(d.criteria)}
          <h2>Eval runs</h2>${runsTable(d, runs, hidden)}
          ${compare.length === 0 ? '' : html`<h2>Rows</h2><ul>${compare}</ul>`}`,
      }),
    );
  });

  ui.get('/promotions/:id/compare', async (c) => {
    const id = parseInput(decisionIdSchema, c.req.param('id'), 'id');
    const q = parseInput(compareQuery, c.req.query(), 'query');
    const d = await getGateDecision({ ...readAs(c, ctx), id });
    const { runs } = await decisionRuns(c, ctx, d);
    const onDataset = runs.filter((r) => r.dataset.name === q.dataset);
    const candidate = onDataset.find((r) => sideOf(d, r) === 'candidate');
    const holder = onDataset.find((r) => sideOf(d, r) === 'holder');
    if (!candidate) {
      return c.html(
        layout({
          ...chrome(c),
          title: 'Not found',
          body: html`<h1>Not found</h1><p class="message">Decision ${d.id} has no candidate run on dataset ${q.dataset}.</p>`,
        }),
        404,
      );
    }
    const judges = candidate.judges.map((j) => j.name);
    const [holderRows, candidateRows] = await Promise.all([
      holder ? allRunRows(ctx.store, holder.id) : Promise.resolve([]),
      allRunRows(ctx.store, candidate.id),
    ]);
    const pairs = pairRows(holderRows, candidateRows, judges);
    const shown = pairs.slice((q.page - 1) * ROWS_PER_PAGE, q.page * ROWS_PER_PAGE);
    const comparison = holder ? await compareEvalRuns({ ...readAs(c, ctx), a: holder.id, b: candidate.id }) : undefined;
    const lookup = indexPassageLookup({ ...readAs(c, ctx), home: ctx.config.home });
    const texts = async (run: EvalRun | undefined, side: 'holder' | 'candidate') => {
      if (!run) return new Map<string, string>();
      const v = await getModelVersion({ ...readAs(c, ctx), name: run.modelName, version: run.modelVersion });
      const ids = shown.flatMap((p) => p[side]?.retrieved.map((r) => r.chunkId) ?? []);
      return lookup(v.package.index, ids);
    };
    const sideTexts = { holder: await texts(holder, 'holder'), candidate: await texts(candidate, 'candidate') };
    const titles = {
      holder: holder ? `Holder v${holder.modelVersion} (${holder.id})` : 'Holder',
      candidate: `Candidate v${candidate.modelVersion} (${candidate.id})`,
    };
    const pageLink = (n: number, label: string) =>
      html`<a href="${decisionHref(d.id)}/compare?dataset=${encodeURIComponent(q.dataset)}&page=${n}">${label}</a>`;
    const pages = Math.max(1, Math.ceil(pairs.length / ROWS_PER_PAGE));
    return c.html(
      layout({
        ...chrome(c),
        title: `${d.model}@${d.alias}: v${d.candidateVersion} vs ${d.holderVersion === null ? 'no holder' : `v${d.holderVersion}`} on ${q.dataset}`,
        body: html`<h1>${d.model}@${d.alias}: candidate v${d.candidateVersion} vs ${d.holderVersion === null ? 'no holder' : `holder v${d.holderVersion}`}</h1>
          <p><a href="${decisionHref(d.id)}">← decision ${d.id}</a> · ${outcomeBadge(d)} · dataset <code>${q.dataset}</code>
            <code>${candidate.dataset.contentHash.slice(0, 12)}</code>${comparison && !comparison.sameDataset ? html` <span class="error">(the holder's run is on other content)</span>` : ''}
            ${comparison ? html` · ${comparison.pairedRows} paired rows` : ''}</p>
          <h2>Decision table on ${q.dataset}</h2>${criteriaTable(d.criteria.filter((k) => k.dataset === q.dataset))}
          <h2>Metric intervals</h2>${metricsTable(holder, candidate, comparison)}
          <h2>Rows ${(q.page - 1) * ROWS_PER_PAGE + 1}–${(q.page - 1) * ROWS_PER_PAGE + shown.length} of ${pairs.length}</h2>
          ${shown.map((p) => rowPairView(p, sideTexts, judges, titles))}
          <p>${q.page > 1 ? pageLink(q.page - 1, '← Previous') : ''} ${q.page < pages ? pageLink(q.page + 1, 'Next →') : ''}</p>`,
      }),
    );
  });
}
