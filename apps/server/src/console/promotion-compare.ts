import type { EvalRun, EvalRunComparison, EvalRunRow, RowScore } from '@ragops/evals';
import { html } from 'hono/html';
import { type Fragment, num } from './console-layout.ts';
import { intervalText } from './promotion-view.ts';

/** One dataset row of the champion-vs-candidate view: both sides' rows and candidate − holder per judge. */
export type RowPair = {
  rowId: string;
  question: string;
  holder: EvalRunRow | undefined;
  candidate: EvalRunRow | undefined;
  /** Candidate − holder per judge; null where either side has no score (error, skipped, missing). */
  diffs: Record<string, number | null>;
};

/** Passage texts by chunk id, per side (empty when the index may not be read or is gone). */
export type SideTexts = { holder: ReadonlyMap<string, string>; candidate: ReadonlyMap<string, string> };

/** Pairs rows by id, in the candidate's dataset order (then rows only the holder has). */
export function pairRows(
  holder: readonly EvalRunRow[],
  candidate: readonly EvalRunRow[],
  judges: readonly string[],
): RowPair[] {
  const byId = new Map(holder.map((r) => [r.rowId, r]));
  const seen = new Set<string>();
  const pair = (c: EvalRunRow | undefined, h: EvalRunRow | undefined): RowPair => {
    const diffs: Record<string, number | null> = {};
    for (const j of judges) {
      const a = h?.scores[j]?.score;
      const b = c?.scores[j]?.score;
      diffs[j] = typeof a === 'number' && typeof b === 'number' ? b - a : null;
    }
    const any = (c ?? h)!;
    return { rowId: any.rowId, question: any.question, holder: h, candidate: c, diffs };
  };
  const out = candidate.map((c) => {
    seen.add(c.rowId);
    return pair(c, byId.get(c.rowId));
  });
  for (const h of holder) if (!seen.has(h.rowId)) out.push(pair(undefined, h));
  return out;
}

/** Per judge: each side's mean with its interval, and the paired difference with its bootstrap interval. */
export function metricsTable(
  holder: EvalRun | undefined,
  candidate: EvalRun,
  comparison: EvalRunComparison | undefined,
): Fragment {
  const metric = (run: EvalRun | undefined, judge: string) =>
    run?.aggregates?.metrics.find((m) => m.judge === judge)?.overall ?? null;
  const rows = candidate.judges.map((j) => {
    const diff = comparison?.metrics.find((m) => m.judge === j.name)?.diff ?? null;
    return html`<tr class="metric-row" data-judge="${j.name}">
      <td>${j.name}</td><td>${j.kind}</td>
      <td class="num">${intervalText(metric(holder, j.name))}</td>
      <td class="num">${intervalText(metric(candidate, j.name))}</td>
      <td class="num">${intervalText(diff)}</td>
    </tr>`;
  });
  return html`<table class="metric-intervals">
    <thead><tr><th>Judge</th><th>Kind</th><th class="num">Holder (95% interval)</th><th class="num">Candidate (95% interval)</th><th class="num">Candidate − holder (paired bootstrap 95%)</th></tr></thead>
    <tbody>${rows}</tbody>
  </table>`;
}

function verdictsView(scores: Record<string, RowScore>, judges: readonly string[]): Fragment {
  const items = judges.map((j) => {
    const s = scores[j];
    const first = s?.verdicts[0];
    const why = first === undefined ? '' : first.ok ? (first.rationale ?? '') : first.error;
    return html`<li class="verdict" data-judge="${j}"><strong>${j}</strong> ${s?.skipped ? html`<span class="muted">skipped</span>` : num(s?.score, 3)}
      ${why ? html`<div class="muted rationale">${why}</div>` : ''}</li>`;
  });
  return html`<ul class="judge-verdicts">${items}</ul>`;
}

function sideView(
  side: 'holder' | 'candidate',
  title: string,
  row: EvalRunRow | undefined,
  texts: ReadonlyMap<string, string>,
  judges: readonly string[],
) {
  if (!row)
    return html`<div class="side" data-side="${side}"><h4>${title}</h4><p class="muted">No run or no such row on this side.</p></div>`;
  const passages = row.retrieved.map(
    (
      p,
    ) => html`<li class="passage"><div class="muted">[${p.n}] <code>${p.documentId}</code> · score ${num(p.score)}</div>
      ${texts.has(p.chunkId) ? html`<p class="passage-text">${texts.get(p.chunkId)}</p>` : html`<p class="muted">Text not available (no READ on the index, or the index version is gone).</p>`}</li>`,
  );
  return html`<div class="side" data-side="${side}">
    <h4>${title}</h4>
    ${row.status === 'ok' ? html`<p class="answer">${row.answer}</p>` : html`<p class="error">${row.error?.message}</p>`}
    <h5>Judge verdicts</h5>${verdictsView(row.scores, judges)}
    <h5>Retrieved passages</h5>
    ${passages.length === 0 ? html`<p class="muted">None.</p>` : html`<ol class="passages">${passages}</ol>`}
  </div>`;
}

/** One dataset row: the question, holder and candidate side by side, the per-row paired differences. */
export function rowPairView(
  p: RowPair,
  texts: SideTexts,
  judges: readonly string[],
  titles: { holder: string; candidate: string },
): Fragment {
  const diffs = judges.map((j) => {
    const d = p.diffs[j];
    const cls = d === null || d === undefined || d === 0 ? '' : d > 0 ? 'up' : 'down';
    return html`<span class="tag diff ${cls}" data-judge="${j}">Δ ${j} ${d === null || d === undefined ? '–' : `${d > 0 ? '+' : ''}${d.toFixed(3)}`}</span>`;
  });
  return html`<section class="card row-pair" data-row="${p.rowId}">
    <h3><code>${p.rowId}</code> ${p.question}</h3>
    <p class="diffs">${diffs}</p>
    <div class="sides">
      ${sideView('holder', titles.holder, p.holder, texts.holder, judges)}
      ${sideView('candidate', titles.candidate, p.candidate, texts.candidate, judges)}
    </div>
  </section>`;
}
