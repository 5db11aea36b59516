import { endpointNameSchema, listModels, parseInput, parseModelName } from '@ragops/core';
import { type FeedbackSeries, type FeedbackSource, feedbackTimeline } from '@ragops/evals';
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import type { ConsoleEnv } from './console-auth.ts';
import { type Fragment, layout, num } from './console-layout.ts';
import { approvalChart, dayRange } from './feedback-chart.ts';
import { chrome, readAs } from './page-query.ts';

const blank = (v: unknown) => (v === '' ? undefined : v);
const feedbackQuery = z.strictObject({
  model: z.preprocess(blank, z.string().min(1).max(500).optional()),
  version: z.preprocess(blank, z.coerce.number().int().positive().optional()),
  endpoint: z.preprocess(blank, endpointNameSchema.optional()),
  days: z.preprocess(blank, z.coerce.number().int().min(1).max(366).default(30)),
});

const SOURCE_TITLES: Record<FeedbackSource, string> = { end_user: 'End users', reviewer: 'Reviewers' };

function seriesView(s: FeedbackSeries, range: readonly string[]): Fragment {
  const name = `v${s.modelVersion}${s.endpoint ? ` · endpoint ${s.endpoint}` : ' · eval rows'}`;
  const rows = [...s.days].reverse().map(
    (d) => html`<tr>
      <td>${d.day}</td><td class="num">${d.count}</td><td class="num">${d.rated}</td>
      <td class="num">${num(d.approval?.mean)}</td>
      <td class="num">${d.approval ? `[${num(d.approval.low)}, ${num(d.approval.high)}]` : '–'}</td>
    </tr>`,
  );
  return html`<section class="card series" data-source="${s.source}" data-version="${s.modelVersion}">
    <h3>${name}</h3>
    ${approvalChart(s.days, range, `Approval per day of ${SOURCE_TITLES[s.source].toLowerCase()}, ${name}`)}
    <table><thead><tr><th>Day (UTC)</th><th class="num">Feedback</th><th class="num">Rated</th><th class="num">Approval</th><th class="num">95% interval</th></tr></thead>
      <tbody>${rows}</tbody></table>
  </section>`;
}

/** /console/feedback: pick a model; with `model`, feedback over time per source × version × endpoint. */
export function registerFeedbackPages(ui: Hono<ConsoleEnv>, ctx: AppContext): void {
  ui.get('/feedback', async (c) => {
    const q = parseInput(feedbackQuery, c.req.query(), 'query');
    if (!q.model) {
      const models = await listModels({ ...readAs(c, ctx), pageSize: 100 });
      const links = models.items.map(
        (m) => html`<li><a href="/console/feedback?model=${encodeURIComponent(m.fullName)}">${m.fullName}</a></li>`,
      );
      return c.html(
        layout({
          ...chrome(c),
          title: 'Feedback over time',
          body: html`<h1>Feedback over time</h1>
            ${links.length === 0 ? html`<p class="muted">No models you may read.</p>` : html`<ul>${links}</ul>`}`,
        }),
      );
    }
    parseModelName(q.model);
    const now = new Date();
    const series = await feedbackTimeline(
      readAs(c, ctx),
      {
        modelName: q.model,
        days: q.days,
        ...(q.version && { version: q.version }),
        ...(q.endpoint && { endpoint: q.endpoint }),
      },
      now,
    );
    const today = now.toISOString().slice(0, 10);
    const range = dayRange(new Date(now.getTime() - (q.days - 1) * 86_400_000).toISOString().slice(0, 10), today);
    const sections = (['end_user', 'reviewer'] as const).map((source) => {
      const mine = series.filter((s) => s.source === source);
      return html`<h2>${SOURCE_TITLES[source]}</h2>
        ${mine.length === 0 ? html`<p class="muted">No ${SOURCE_TITLES[source].toLowerCase()} feedback in these ${q.days} days.</p>` : mine.map((s) => seriesView(s, range))}`;
    });
    return c.html(
      layout({
        ...chrome(c),
        title: `Feedback on ${q.model}`,
        body: html`<h1>Feedback on ${q.model}</h1>
          <form method="get" action="/console/feedback" class="card queue-filters">
            <input type="hidden" name="model" value="${q.model}">
            <label>Version <input name="version" value="${q.version ?? ''}"></label>
            <label>Endpoint <input name="endpoint" value="${q.endpoint ?? ''}"></label>
            <label>Days <input name="days" value="${q.days}"></label>
            <button type="submit">Show</button>
          </form>
          <p class="muted">Per UTC day of each feedback's latest revision. Approval: thumbs up or 4–5 of five, over rated feedback only, with a 95% Wilson interval; end-user and reviewer feedback are never pooled.</p>
          ${sections}`,
      }),
    );
  });
}
