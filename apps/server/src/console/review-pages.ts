import { endpointNameSchema, InvalidInputError, NotFoundError, parseInput } from '@ragops/core';
import {
  CRITERION_NAMES,
  type Feedback,
  type FeedbackTarget,
  feedbackHistory,
  feedbackTargetSchema,
  getReviewItem,
  indexPassageLookup,
  reviewQueue,
  reviewVerdicts,
  submitFeedback,
  targetKey,
} from '@ragops/evals';
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import type { ConsoleEnv } from './console-auth.ts';
import { type Fragment, layout } from './console-layout.ts';
import { actAs, chrome, readAs } from './page-query.ts';
import { hiddenFields, itemView, labelForm, verdictsView } from './review-view.ts';

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional()) as unknown as z.ZodOptional<T>;

/**
 * A queue pass lives in the URL (no server-side state): the filters, the seed, how many were
 * labelled (`done`) and which were skipped in this pass. The queue itself is recomputed per page
 * from the store, so an item someone else labelled meanwhile leaves it too.
 */
const queueStateSchema = z.object({
  source: z.enum(['eval_run', 'inference']).default('eval_run'),
  model: optional(z.string().min(1).max(500)),
  version: optional(z.coerce.number().int().positive()),
  // Core's rule, as the REST routes check it: a malformed name is the 400 page naming the rule.
  endpoint: optional(endpointNameSchema),
  arm: optional(z.string().min(1).max(100)),
  run: optional(z.string().min(1).max(100)),
  size: z.coerce.number().int().min(1).max(100).default(20),
  seed: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(1),
  reviewers: z.coerce.number().int().min(1).max(10).default(1),
  done: z.coerce.number().int().min(0).max(100).default(0),
  skipped: optional(z.string().max(40_000)).transform((s) => (s ? s.split(',').slice(0, 100) : [])),
  last: optional(z.string().max(400)),
});
type QueueState = z.output<typeof queueStateSchema>;
const STATE_KEYS = Object.keys(queueStateSchema.shape) as (keyof QueueState)[];

/** The query string of a state (defaults included, so a link always names the queue it means). */
function stateQuery(s: QueueState): string {
  const q = new URLSearchParams();
  for (const key of STATE_KEYS) {
    const value = key === 'skipped' ? s.skipped.join(',') : s[key];
    if (value !== undefined && value !== '') q.set(key, String(value));
  }
  return q.toString();
}

/** `inference:<request id>` or `eval_row:<run id>:<row id>` (targetKey) back into a target. */
export function parseTargetKey(key: string): FeedbackTarget {
  const inference = /^inference:(.+)$/.exec(key);
  const row = /^eval_row:(er_[0-9a-f]{12}):(.+)$/.exec(key);
  const target = inference
    ? { kind: 'inference', requestId: inference[1] }
    : row
      ? { kind: 'eval_row', runId: row[1], rowId: row[2] }
      : undefined;
  if (!target) throw new InvalidInputError(`target: "${key.slice(0, 80)}" is not an item (inference:… or eval_row:…)`);
  return parseInput(feedbackTargetSchema, target, 'target');
}

const itemHref = (key: string) => `/console/review/items/${encodeURIComponent(key)}`;

/** The reviewer's own current labels on an item, or undefined before they labelled it. */
async function myLabels(
  c: Context<ConsoleEnv>,
  ctx: AppContext,
  target: FeedbackTarget,
): Promise<Feedback | undefined> {
  try {
    const all = await feedbackHistory(readAs(c, ctx), target);
    const me = c.get('principal').name;
    return all.find((h) => h.feedback.source === 'reviewer' && h.feedback.author === me)?.feedback;
  } catch (error) {
    if (NotFoundError.isInstance(error)) return undefined;
    throw error;
  }
}

/** The labels and verdicts panel of an item the reviewer labelled (verdicts only ever after labelling). */
async function afterLabelling(c: Context<ConsoleEnv>, ctx: AppContext, target: FeedbackTarget): Promise<Fragment> {
  const mine = await myLabels(c, ctx, target);
  if (!mine) return html``;
  return verdictsView(mine, await reviewVerdicts(readAs(c, ctx), target));
}

function filterForm(s: QueueState): Fragment {
  const field = (name: string, label: string, value: string | number | undefined, attrs = '') =>
    html`<label>${label} <input name="${name}" value="${value ?? ''}" ${attrs}></label>`;
  return html`<form method="get" action="/console/review" class="card queue-filters">
    <label>Source <select name="source">
      <option value="eval_run" ${s.source === 'eval_run' ? 'selected' : ''}>eval rows</option>
      <option value="inference" ${s.source === 'inference' ? 'selected' : ''}>inference rows</option>
    </select></label>
    ${field('model', 'Model', s.model)} ${field('version', 'Version', s.version)} ${field('endpoint', 'Endpoint', s.endpoint)}
    ${field('arm', 'Arm', s.arm)} ${field('run', 'Eval run', s.run)} ${field('size', 'Items', s.size)}
    ${field('reviewers', 'Reviewers per item', s.reviewers)} ${field('seed', 'Seed', s.seed)}
    <button type="submit">Start queue</button>
  </form>`;
}

/** Passage texts as the signed-in principal may read them (READ on the index). */
const lookupFor = (ctx: AppContext) => (c: Context<ConsoleEnv>) =>
  indexPassageLookup({ store: ctx.store, actor: c.get('principal'), home: ctx.config.home });

/** /console/review (the queue), POST /console/review (label or skip), /console/review/items/:key. */
export function registerReviewPages(ui: Hono<ConsoleEnv>, ctx: AppContext): void {
  const passages = lookupFor(ctx);
  ui.get('/review', async (c) => {
    const s = parseInput(queueStateSchema.strict(), c.req.query(), 'query');
    const read = readAs(c, ctx);
    const left = s.size - s.done - s.skipped.length;
    const queue =
      left > 0
        ? await reviewQueue(read, {
            source: s.source,
            ...(s.model && { modelName: s.model }),
            ...(s.version && { version: s.version }),
            ...(s.endpoint && { endpoint: s.endpoint }),
            ...(s.arm && { arm: s.arm }),
            ...(s.run && { runId: s.run }),
            size: left,
            seed: s.seed,
            reviewersPerItem: s.reviewers,
            exclude: s.skipped,
          })
        : [];
    const first = queue[0];
    const item = first && (await getReviewItem(read, first.target, { passages: passages(c) }));
    const passed = s.done + s.skipped.length;
    const state = hiddenFields(Object.fromEntries(new URLSearchParams(stateQuery({ ...s, last: undefined }))));
    const last = s.last ? await afterLabelling(c, ctx, parseTargetKey(s.last)) : '';
    return c.html(
      layout({
        ...chrome(c),
        title: 'Review queue',
        body: html`<h1>Review queue</h1>
          ${filterForm(s)}
          ${s.last ? html`<p class="muted">Labelled <a href="${itemHref(s.last)}">${s.last}</a>.</p>${last}` : ''}
          ${
            item
              ? html`<p class="progress" data-position="${passed + 1}" data-total="${passed + queue.length}">Item ${passed + 1} of ${passed + queue.length} · <a href="${itemHref(targetKey(item.target))}">${targetKey(item.target)}</a></p>
                ${itemView(item)}
                ${labelForm({ item, csrf: c.get('csrf'), targetKey: targetKey(item.target), state, canSkip: true })}`
              : html`<p class="progress queue-done">Queue done: ${s.done} labelled, ${s.skipped.length} skipped. Nothing left to label with these filters.</p>`
          }`,
      }),
    );
  });

  ui.post('/review', async (c) => {
    const form = await c.req.parseBody();
    const s = parseInput(
      queueStateSchema,
      Object.fromEntries(STATE_KEYS.filter((k) => typeof form[k] === 'string').map((k) => [k, form[k]])),
      'form',
    );
    const key = typeof form.target === 'string' ? form.target : '';
    const target = parseTargetKey(key);
    if (form.action === 'skip') {
      return c.redirect(`/console/review?${stateQuery({ ...s, skipped: [...s.skipped, key], last: undefined })}`, 303);
    }
    const labels: Record<string, number> = {};
    for (const name of CRITERION_NAMES) {
      const value = form[`label.${name}`];
      if (typeof value === 'string' && value !== '') labels[name] = Number(value);
    }
    const rating = typeof form.rating === 'string' && form.rating !== '' ? Number(form.rating) : undefined;
    const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
    const comment = text(form.comment);
    const correctedAnswer = text(form.correctedAnswer);
    await submitFeedback(actAs(c, ctx), {
      source: 'reviewer',
      input: {
        target,
        ...(rating !== undefined && { rating: { scale: 'thumbs' as const, value: rating as 0 | 1 } }),
        ...(Object.keys(labels).length > 0 && { labels }),
        ...(comment && { comment }),
        ...(correctedAnswer && { correctedAnswer }),
      },
    });
    if (form.from === 'item') return c.redirect(itemHref(key), 303);
    return c.redirect(`/console/review?${stateQuery({ ...s, done: s.done + 1, last: key })}`, 303);
  });

  ui.get('/review/items/:key', async (c) => {
    const key = c.req.param('key');
    const target = parseTargetKey(key);
    const item = await getReviewItem(readAs(c, ctx), target, { passages: passages(c) });
    const mine = await myLabels(c, ctx, target);
    return c.html(
      layout({
        ...chrome(c),
        title: `Review ${key}`,
        body: html`<h1>Review ${key}</h1>
          ${itemView(item)}
          ${
            mine
              ? verdictsView(mine, await reviewVerdicts(readAs(c, ctx), target))
              : html`<p class="muted">Judge verdicts are shown once you labelled this item.</p>
                ${labelForm({ item, csrf: c.get('csrf'), targetKey: key, state: hiddenFields({ from: 'item' }), canSkip: false })}`
          }
          <p><a href="/console/review">← Review queue</a></p>`,
      }),
    );
  });
}
