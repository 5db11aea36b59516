import type { EvalRun, GateCriterion, GateDecision, Interval } from '@ragops/evals';
import { html } from 'hono/html';
import { type Fragment, num } from './console-layout.ts';

/** /console/promotions/:id */
export const decisionHref = (id: string) => `/console/promotions/${id}`;
export const versionHref = (model: string, version: number) =>
  `/console/models/${encodeURIComponent(model)}/versions/${version}`;

/** A version as a link to its lineage page, or an en dash for none. */
export const versionLink = (model: string, version: number | null) =>
  version === null
    ? html`<span class="muted">–</span>`
    : html`<a href="${versionHref(model, version)}">v${version}</a>`;

/** `0.812 [0.744, 0.870] n=20`, or an en dash. */
export const intervalText = (i: Interval | null | undefined, digits = 3) =>
  i ? `${num(i.mean, digits)} [${num(i.low, digits)}, ${num(i.high, digits)}] n=${i.n}` : '–';

/** The outcome as a badge; `moved` says whether the alias followed (a passed decision can lose a race). */
export function outcomeBadge(d: Pick<GateDecision, 'outcome' | 'moved'>): Fragment {
  return html`<span class="badge outcome-${d.outcome}">${d.outcome}</span>${d.moved ? html` <span class="tag">moved</span>` : ''}`;
}

/** The gate's decision table: criterion, dataset, value, interval, threshold, verdict, note. */
export function criteriaTable(criteria: readonly GateCriterion[]): Fragment {
  if (criteria.length === 0)
    return html`<p class="muted">No criteria: the alias was ungated or the move was forced.</p>`;
  const rows = criteria.map(
    (k) => html`<tr class="criterion-row" data-verdict="${k.verdict}">
      <td>${k.criterion}</td>
      <td>${k.dataset ?? '–'}</td>
      <td class="num">${num(k.value, 4)}</td>
      <td class="num">${k.interval ? `[${num(k.interval.low, 4)}, ${num(k.interval.high, 4)}] n=${k.interval.n}` : '–'}</td>
      <td>${k.threshold}</td>
      <td><span class="badge verdict-${k.verdict}">${k.verdict}</span></td>
      <td class="muted">${k.note}</td>
    </tr>`,
  );
  return html`<table class="decision-table">
    <thead><tr><th>Criterion</th><th>Dataset</th><th class="num">Value</th><th class="num">Interval</th><th>Threshold</th><th>Verdict</th><th>Note</th></tr></thead>
    <tbody>${rows}</tbody>
  </table>`;
}

/** Which side of a decision a run is evidence for. */
export function sideOf(d: GateDecision, run: EvalRun): 'candidate' | 'holder' | 'other' {
  if (run.modelVersion === d.candidateVersion) return 'candidate';
  return run.modelVersion === d.holderVersion ? 'holder' : 'other';
}

/** The runs a decision rests on: side, run, version, dataset at its hash, status. */
export function runsTable(d: GateDecision, runs: readonly EvalRun[], hidden: number): Fragment {
  if (runs.length === 0 && hidden === 0) return html`<p class="muted">This decision rests on no eval runs.</p>`;
  const rows = runs.map(
    (r) => html`<tr>
      <td>${sideOf(d, r)}</td>
      <td><a href="/console/eval-runs/${r.id}">${r.id}</a></td>
      <td>${versionLink(r.modelName, r.modelVersion)}</td>
      <td><code>${r.dataset.name}</code> <code>${r.dataset.contentHash.slice(0, 12)}</code></td>
      <td>${r.status}</td>
      <td class="num">${r.rowsDone}/${r.rowsTotal}</td>
    </tr>`,
  );
  return html`<table>
      <thead><tr><th>Side</th><th>Run</th><th>Version</th><th>Dataset</th><th>Status</th><th class="num">Rows</th></tr></thead>
      <tbody>${rows}</tbody>
    </table>
    ${hidden > 0 ? html`<p class="muted">${hidden} run(s) of this decision no longer exist.</p>` : ''}`;
}
