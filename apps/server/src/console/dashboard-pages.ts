import { endpointAccessDenial, endpointNameSchema, listEndpoints, parseInput } from '@ragops/core';
import {
  driftReport,
  listAlerts,
  metricQuerySchema,
  queryMetrics,
  readableEndpoint,
  splitTestReport,
  WINDOW_SIZES,
} from '@ragops/monitoring';
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import type { ConsoleEnv } from './console-auth.ts';
import { layout } from './console-layout.ts';
import { chartView, metricCharts } from './dashboard-charts.ts';
import { alertPanel, driftPanel, latestTable, splitTestPanel } from './dashboard-panels.ts';
import { chrome, pageTokenQuery, readAs } from './page-query.ts';

const RANGES = { '6h': 6, '24h': 24, '7d': 168, '30d': 720, '90d': 2160 } as const;
type Range = keyof typeof RANGES | 'all';

/** The metric query's own filters (one schema with the REST route and the CLI), plus a time range preset. */
const dashboardQuery = metricQuerySchema
  .omit({ endpoint: true, limit: true })
  .extend({ range: z.enum([...(Object.keys(RANGES) as (keyof typeof RANGES)[]), 'all']).default('7d') });

// The page's scripts and styles: uPlot from node_modules, the page's own from the repo (console-assets.ts).
const HEAD = html`<link rel="stylesheet" href="/console/assets/uplot.min.css">
    <link rel="stylesheet" href="/console/assets/dashboard.css">
    <script src="/console/assets/uplot.iife.min.js" defer></script>
    <script src="/console/assets/dashboard.js" defer></script>`;

/**
 * Metric points drawn per page at most (the query's cap is 5000). Measured: 2 000 points (2 series ×
 * 1 000 windows, 30 lines) are 356 KB of escaped chart data, built in 160 ms at load 16.
 */
const MAX_POINTS = 2_000;
/** Drift results listed per page: the newest, and a note when older ones match too. */
const DRIFT_ROWS = 100;

/** /console/monitoring (endpoints the principal may READ) and /console/monitoring/:endpoint (the dashboard). */
export function registerDashboardPages(ui: Hono<ConsoleEnv>, ctx: AppContext): void {
  ui.get('/monitoring', async (c) => {
    const query = parseInput(pageTokenQuery, c.req.query(), 'query');
    const page = await listEndpoints({ ...readAs(c, ctx), pageSize: 100, ...query });
    const readable = [];
    for (const e of page.items) {
      if (!(await endpointAccessDenial({ ...readAs(c, ctx), endpoint: e, privilege: 'READ' }))) readable.push(e);
    }
    const rows = readable.map(
      (e) => html`<tr>
        <td><a href="/console/monitoring/${encodeURIComponent(e.name)}">${e.name}</a></td>
        <td>${e.config.served.map((s) => html`<span class="tag">${s.name}: ${s.model} · ${s.traffic}%</span>`)}</td>
      </tr>`,
    );
    return c.html(
      layout({
        ...chrome(c),
        title: 'Monitoring',
        body: html`<h1>Monitoring</h1>
          ${
            rows.length === 0
              ? html`<p class="muted">No endpoints whose models you may read.</p>`
              : html`<table><thead><tr><th>Endpoint</th><th>Serves</th></tr></thead><tbody>${rows}</tbody></table>`
          }
          ${page.nextPageToken ? html`<p><a href="/console/monitoring?pageToken=${encodeURIComponent(page.nextPageToken)}">Next page →</a></p>` : ''}`,
      }),
    );
  });

  ui.get('/monitoring/:endpoint', async (c) => {
    // Core's rule, as the REST routes check it: a malformed name is the 400 page naming the rule.
    const name = parseInput(endpointNameSchema, c.req.param('endpoint'), 'endpoint');
    // 404 when the principal can see none of it; 403 naming what is missing when it may call but not READ.
    const endpoint = await readableEndpoint(readAs(c, ctx), name);
    const given = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ''));
    const q = parseInput(dashboardQuery, given, 'query');
    const range = q.range as Range;
    const since =
      q.since ?? (range === 'all' ? undefined : new Date(Date.now() - RANGES[range] * 3_600_000).toISOString());
    const { range: _range, ...filters } = q;
    const table = await queryMetrics(ctx.store, {
      ...filters,
      endpoint: name,
      limit: MAX_POINTS,
      ...(since && { since }),
    });
    // The version filter is the query's, so the rows shown are the newest of that version.
    const drift = await driftReport(readAs(c, ctx), {
      endpoint: name,
      pageSize: DRIFT_ROWS,
      ...(q.version !== undefined && { modelVersion: q.version }),
      ...(since && { since }),
    });
    const alerts = await listAlerts(readAs(c, ctx), { endpoint: name, events: 20 });
    const charts = metricCharts(table.points, q.window);
    const arms = endpoint.config.served.map((s) => s.name);
    // An endpoint that splits traffic: its first arm is the control, the second the candidate.
    const split =
      arms.length < 2
        ? undefined
        : await splitTestReport(readAs(c, ctx), {
            endpoint: name,
            control: arms[0]!,
            candidate: arms[1]!,
            ...(since && { since }),
            ...(q.until && { until: q.until }),
          });
    const option = (value: string, current: string, label = value) =>
      html`<option value="${value}"${value === current ? ' selected' : ''}>${label}</option>`;
    return c.html(
      layout({
        ...chrome(c),
        title: `Monitoring ${name}`,
        head: HEAD,
        body: html`<h1>Monitoring ${name}</h1>
          <form method="get" action="/console/monitoring/${encodeURIComponent(name)}" class="card queue-filters dashboard-filters">
            <label>Window <select name="window">${WINDOW_SIZES.map((w) => option(w, q.window))}</select></label>
            <label>Range <select name="range">${[...Object.keys(RANGES), 'all'].map((r) => option(r, range))}</select></label>
            <label>Version <input name="version" value="${q.version ?? ''}" inputmode="numeric"></label>
            <label>Arm <select name="arm">${option('', q.arm ?? '', 'all arms')}${arms.map((a) => option(a, q.arm ?? ''))}</select></label>
            <label>Slice <input name="slice" value="${q.slice}"></label>
            <label>Slice value <input name="sliceValue" value="${q.sliceValue ?? ''}"></label>
            <label>From (ISO) <input name="since" value="${q.since ?? ''}"></label>
            <label>To (ISO) <input name="until" value="${q.until ?? ''}"></label>
            <button type="submit">Show</button>
          </form>
          <p class="muted">${table.points.length} metric rows of ${q.window} windows${since ? ` since ${since}` : ''}${table.truncated ? html` <span class="error">(the oldest were cut at ${MAX_POINTS}: narrow the range)</span>` : ''}. Rates carry Wilson 95% intervals; each colour is one version × arm × slice value.</p>
          <div class="charts">${charts.map(chartView)}</div>
          ${split ? html`<h2>Split test: ${split.control.arm} vs ${split.candidate.arm}</h2>${splitTestPanel(split)}` : ''}
          <h2>Alerts</h2>${alertPanel(alerts)}
          <h2>Drift</h2>${driftPanel(drift.items)}
          ${drift.nextPageToken ? html`<p class="muted"><span class="error">The newest ${DRIFT_ROWS} results only: older ones match too.</span> Narrow the range, or page through them with <code>ragops monitor drift ${name}</code> or <code>GET …/monitoring/endpoints/${name}/drift</code>.</p>` : ''}
          <h2>Latest windows</h2>${latestTable(table.points)}`,
      }),
    );
  });
}
