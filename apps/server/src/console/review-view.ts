import {
  CRITERION_NAMES,
  type CriterionName,
  criterionOfJudge,
  FEEDBACK_CRITERIA,
  type Feedback,
  type ReviewItem,
  type ReviewVerdict,
} from '@ragops/evals';
import { html } from 'hono/html';
import { csrfField, type Fragment, num } from './console-layout.ts';

const CITATION = /\[(\d{1,4})\]/g;

/**
 * The answer with each `[n]` that names a retrieved passage linked to it (`#passage-n`). Every
 * piece of the stored text goes through hono/html's escaping: only the links are markup.
 */
function answerWithCitations(answer: string, cited: ReadonlySet<number>): Fragment[] {
  const parts: Fragment[] = [];
  let last = 0;
  for (const m of answer.matchAll(CITATION)) {
    const n = Number(m[1]);
    parts.push(html`${answer.slice(last, m.index)}`);
    parts.push(cited.has(n) ? html`<a class="cite" href="#passage-${n}">[${n}]</a>` : html`${m[0]}`);
    last = m.index + m[0].length;
  }
  parts.push(html`${answer.slice(last)}`);
  return parts;
}

/** Question, answer (citations linked) and the retrieved passages (cited ones highlighted). */
export function itemView(item: ReviewItem): Fragment {
  const cited = new Set(item.citations);
  const s = item.stratum;
  const passages = item.passages.map(
    (p) => html`<li id="passage-${p.n}" class="passage${cited.has(p.n) ? ' cited' : ''}">
      <div class="muted">[${p.n}] <code>${p.documentId}</code> · <code>${p.chunkId}</code> · score ${num(p.score)}${cited.has(p.n) ? html` · <strong>cited</strong>` : ''}</div>
      ${p.text === undefined ? html`<p class="muted">Text not available (no READ on the index, or the index version is gone).</p>` : html`<p class="passage-text">${p.text}</p>`}
    </li>`,
  );
  return html`<p class="muted">${s.modelName} v${s.modelVersion}${s.endpoint ? html` · endpoint <code>${s.endpoint}</code>` : ''}${s.arm ? html` · arm <code>${s.arm}</code>` : ''}${s.tag ? html` · tag <code>${s.tag}</code>` : ''} · ${item.reviewers} reviewer(s) so far</p>
    <section class="card"><h2>Question</h2><p class="question">${item.question}</p></section>
    <section class="card"><h2>Answer</h2><p class="answer">${answerWithCitations(item.answer, cited)}</p></section>
    <section class="card"><h2>Retrieved passages</h2>
      ${passages.length === 0 ? html`<p class="muted">No passages were retrieved.</p>` : html`<ol class="passages">${passages}</ol>`}
    </section>`;
}

/** Hidden inputs carrying the queue's state through a form post. */
export function hiddenFields(fields: Record<string, string | number | undefined>): Fragment[] {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => html`<input type="hidden" name="${k}" value="${String(v)}">`);
}

/**
 * The label form: per criterion one radio group (keys 1…n pick a level of the active criterion, the
 * next criterion becomes active), comment, corrected answer, submit (Enter) and skip (s). Plain
 * form post without the script.
 */
export function labelForm(options: {
  item: ReviewItem;
  csrf: string;
  targetKey: string;
  state: Fragment[];
  canSkip: boolean;
}): Fragment {
  const criteria = CRITERION_NAMES.map((name) => {
    const c = FEEDBACK_CRITERIA[name];
    const levels = c.levels.map(
      (level, i) => html`<input type="radio" id="label-${name}-${i}" name="label.${name}" value="${level}">
        <label for="label-${name}-${i}" title="key ${i + 1}">${i + 1} · ${level}</label>`,
    );
    return html`<fieldset class="criterion" data-criterion="${name}">
      <span class="name"><strong>${name}</strong><br><span class="keys">${c.description}</span></span>
      ${levels}
    </fieldset>`;
  });
  // Overall approval (the reviewer's thumbs, counted in feedback over time): the last group, same keys.
  const overall = html`<fieldset class="criterion" data-criterion="overall">
    <span class="name"><strong>overall</strong><br><span class="keys">would you approve this answer?</span></span>
    <input type="radio" id="rating-0" name="rating" value="0"><label for="rating-0" title="key 1">1 · reject</label>
    <input type="radio" id="rating-1" name="rating" value="1"><label for="rating-1" title="key 2">2 · approve</label>
  </fieldset>`;
  return html`<form method="post" action="/console/review" class="review card">
    ${csrfField(options.csrf)}
    <input type="hidden" name="target" value="${options.targetKey}">
    ${options.state}
    <h2>Your labels</h2>
    <p class="keys">Keys: 1–5 pick a level of the outlined criterion (then the next is outlined), j/k or ↓/↑ move, Enter submits, s skips. Leave a criterion empty to not label it.</p>
    ${criteria}
    ${overall}
    <label>Comment <textarea name="comment" rows="2" maxlength="4000"></textarea></label>
    <label>Corrected answer <textarea name="correctedAnswer" rows="3" maxlength="64000"></textarea></label>
    <p>
      <button type="submit" name="action" value="submit" class="primary">Submit labels</button>
      ${options.canSkip ? html`<button type="submit" name="action" value="skip">Skip</button>` : ''}
    </p>
  </form>`;
}

/**
 * After labelling: the reviewer's labels next to the judges' verdicts on the same item (judges whose
 * criterion the reviewer labelled line up in one row). Inference rows carry no verdicts.
 */
export function verdictsView(mine: Feedback, verdicts: readonly ReviewVerdict[]): Fragment {
  const labelled = Object.entries(mine.labels) as [CriterionName, number][];
  const rows = verdicts.map((v) => {
    const criterion = criterionOfJudge(v.judge);
    const label = criterion === undefined ? undefined : mine.labels[criterion];
    return html`<tr>
      <td>${v.judge}</td><td>${v.kind}</td><td>${criterion ?? '–'}</td>
      <td class="num">${label === undefined ? '–' : String(label)}</td>
      <td class="num judge-score">${v.skipped ? 'skipped' : num(v.score, 2)}</td>
      <td>${v.rationale ?? ''}</td>
    </tr>`;
  });
  return html`<section class="card verdicts">
    <h2>Your labels and the judges' verdicts</h2>
    <p>Your labels: ${labelled.length === 0 ? html`<span class="muted">none</span>` : labelled.map(([c, v]) => html`<span class="tag">${c} ${v}</span>`)}
      ${mine.approved === null ? '' : html` · overall: <strong>${mine.approved ? 'approve' : 'reject'}</strong>`}
      ${mine.comment ? html` · comment: <q>${mine.comment}</q>` : ''} · revision ${mine.revision}</p>
    ${
      rows.length === 0
        ? html`<p class="muted">No judge verdicts on this item (inference rows are not judged).</p>`
        : html`<table><thead><tr><th>Judge</th><th>Kind</th><th>Criterion</th><th class="num">Your label</th><th class="num">Judge score</th><th>Rationale</th></tr></thead>
          <tbody>${rows}</tbody></table>`
    }
  </section>`;
}
