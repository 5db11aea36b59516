import type { AlertsView, ArmSummary, DriftResult, MetricPoint, SplitTestRecommendation } from '@ragops/monitoring';
import { html } from 'hono/html';
import { type Fragment, num } from './console-layout.ts';
import { criteriaTable, intervalText } from './promotion-view.ts';

const when = (iso: string) => iso.replace('T', ' ').replace(/:\d\d\.\d{3}Z$/, 'Z');

/** Drift results, newest window first: metric, comparison, windows, n, statistic, p-value vs α, verdict. */
export function driftPanel(results: readonly DriftResult[]): Fragment {
  if (results.length === 0)
    return html`<p class="muted">No drift results in this range (monitoring.drift computes them per complete window).</p>`;
  const rows = results.map(
    (r) => html`<tr class="drift-row" data-verdict="${r.verdict}">
      <td>${when(r.current.start)} – ${when(r.current.end)}</td>
      <td>v${r.modelVersion}</td>
      <td>${r.metric}</td>
      <td>${r.comparison} <span class="muted">(${when(r.reference.start)} – ${when(r.reference.end)})</span></td>
      <td class="num">${r.n.current} / ${r.n.reference}</td>
      <td class="num">${num(r.statistic, 4)}</td>
      <td class="num">${num(r.pValue, 4)} ${r.threshold === null ? '' : html`<span class="muted">vs α ${r.threshold}</span>`}</td>
      <td><span class="badge drift-${r.verdict}">${r.verdict}</span></td>
    </tr>`,
  );
  return html`<table class="drift">
    <thead><tr><th>Window</th><th>Version</th><th>Metric</th><th>Against</th><th class="num">n now / ref</th><th class="num">Statistic</th><th class="num">p-value</th><th>Verdict</th></tr></thead>
    <tbody>${rows}</tbody>
  </table>`;
}

/** Alert state per rule × series (firing first) and the latest transitions. */
export function alertPanel(view: AlertsView): Fragment {
  const states = [...view.alerts].sort((a, b) =>
    a.state === b.state ? a.rule.localeCompare(b.rule) : a.state === 'firing' ? -1 : 1,
  );
  const stateRows = states.map(
    (s) => html`<tr class="alert-state" data-state="${s.state}">
      <td>${s.rule}</td><td><code>${s.series}</code></td>
      <td><span class="badge alert-${s.state}">${s.state}</span></td>
      <td class="num">${num(s.value, 4)}</td>
      <td>${s.breachSince ? when(s.breachSince) : '–'}</td>
      <td>${when(s.changedAt)}</td>
    </tr>`,
  );
  const eventRows = view.events.map(
    (e) => html`<tr class="alert-event">
      <td>${when(e.createdAt)}</td><td>${e.rule}</td><td><span class="badge alert-${e.state}">${e.state}</span></td>
      <td>${e.message}</td><td>${e.delivery}${e.attempts > 0 ? ` (${e.attempts})` : ''}${e.lastError ? html` <span class="error">${e.lastError}</span>` : ''}</td>
    </tr>`,
  );
  return html`${
    stateRows.length === 0
      ? html`<p class="muted">No alert rules have evaluated this endpoint.</p>`
      : html`<table class="alerts"><thead><tr><th>Rule</th><th>Series</th><th>State</th><th class="num">Value</th><th>Breaching since</th><th>Changed</th></tr></thead>
        <tbody>${stateRows}</tbody></table>`
  }
    <h3>History</h3>
    ${
      eventRows.length === 0
        ? html`<p class="muted">No alert events.</p>`
        : html`<table class="alert-events"><thead><tr><th>When</th><th>Rule</th><th>State</th><th>Message</th><th>Delivery</th></tr></thead>
          <tbody>${eventRows}</tbody></table>`
    }`;
}

/** The newest windows as numbers (what the charts draw, with the intervals and n), newest first. */
export function latestTable(points: readonly MetricPoint[], max = 30): Fragment {
  const rows = [...points]
    .reverse()
    .slice(0, max)
    .map(
      (p) => html`<tr class="metric-point">
        <td>${when(p.windowStart)}</td><td>v${p.modelVersion}</td><td>${p.servedEntity || '–'}${p.trafficArm === 'live' ? '' : ` (${p.trafficArm})`}</td>
        <td>${p.slice === 'all' ? 'all' : `${p.slice}=${p.sliceValue}`}</td>
        <td class="num">${p.requestCount}</td>
        <td class="num">${intervalText(p.errorRate)}</td>
        <td class="num">${num(p.latencyTotal.p50, 0)} / ${num(p.latencyTotal.p95, 0)} / ${num(p.latencyTotal.p99, 0)}</td>
        <td class="num">${num(p.costPerRequestUsd, 5)}</td>
        <td class="num">${intervalText(p.endUserApproval)}</td>
      </tr>`,
    );
  return html`<table class="latest">
    <thead><tr><th>Window</th><th>Version</th><th>Arm</th><th>Slice</th><th class="num">Requests</th><th class="num">Error rate</th><th class="num">Latency p50 / p95 / p99 ms</th><th class="num">Cost / request USD</th><th class="num">End-user approval</th></tr></thead>
    <tbody>${rows}</tbody>
  </table>`;
}

/** The split test of the first two arms: the always-valid decision with its reasons, per-arm intervals, the gate's view. */
export function splitTestPanel(rec: SplitTestRecommendation): Fragment {
  const arm = (a: ArmSummary, role: string) => html`<tr class="split-arm" data-arm="${a.arm}">
    <td>${role}</td><td>${a.arm}</td><td><code>${a.model}</code></td>
    <td class="num">${intervalText(a.quality)}</td>
    <td class="num">${intervalText(a.latencyMs, 0)} <span class="muted">p95 ${num(a.latencyMs.p95, 0)}</span></td>
    <td class="num">${intervalText(a.costUsd, 5)}</td>
    <td class="num">${intervalText(a.errorRate)}</td>
  </tr>`;
  return html`<p><span class="badge split-decision">${rec.decision}</span> ${rec.reasons.join('; ')}</p>
    <table class="split-test">
      <thead><tr><th>Role</th><th>Arm</th><th>Model</th><th class="num">Quality (${rec.primary.metric})</th><th class="num">Latency ms</th><th class="num">Cost / request USD</th><th class="num">Error rate</th></tr></thead>
      <tbody>${arm(rec.control, 'control')}${arm(rec.candidate, 'candidate')}</tbody>
    </table>
    <p class="muted">Per-arm intervals are fixed-n 95%; the decision uses an always-valid confidence sequence (safe to read at any time).${rec.truncated ? ' Latency and cost cover the first rows only (maxRows).' : ''}</p>
    ${criteriaTable([rec.gateCriterion])}`;
}
