// Feedback services over a real store (SQLite and PostgreSQL), a real index and a real eval run:
// idempotency and history, own requests only, end-user and reviewer feedback kept apart, stats with
// intervals, the review queue, verdicts after labelling, calibration and export round-trips.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { insertInferenceRows, listAudit, NotFoundError, PermissionDeniedError, type Principal } from '@ragops/core';
import {
  allRunRows,
  criterionOfJudge,
  exportFeedback,
  feedbackHistory,
  feedbackStats,
  feedbackTimeline,
  judgeCalibration,
  listFeedback,
  loadEvalDataset,
  readJudgeCalibrations,
  reviewQueue,
  reviewVerdicts,
  submitFeedback,
} from '@ragops/evals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVAL_MODEL } from './eval-fixture.ts';
import { type FeedbackFixture, inferenceRow, startFeedbackFixture } from './feedback-fixture.ts';
import { testBackends } from './server-fixture.ts';

const thumbs = (value: 0 | 1) => ({ scale: 'thumbs' as const, value });

describe.each(testBackends())('feedback services (%s)', (backend) => {
  let f: FeedbackFixture;
  let alice: Principal;
  let bob: Principal;
  let outsider: Principal;
  let reviewer: Principal;
  let reviewer2: Principal;

  beforeAll(async () => {
    f = await startFeedbackFixture(backend, 12);
    alice = (await f.principal('alice', ['EXECUTE'])).principal;
    bob = (await f.principal('bob', ['EXECUTE'])).principal;
    outsider = (await f.principal('outsider', [])).principal;
    reviewer = (await f.principal('rev1', ['READ'])).principal;
    reviewer2 = (await f.principal('rev2', ['READ'])).principal;
    await f.inference('req-alice-1', 'alice');
    await f.inference('req-alice-2', 'alice');
    await f.inference('req-bob-1', 'bob');
    await f.inference('req-outsider', 'outsider');
  }, 120_000);
  afterAll(async () => f?.close());

  const own = (requestId: string) => ({ kind: 'inference' as const, requestId });

  it('a second rating by the same author replaces the first; every revision is kept and audited', async () => {
    const first = await submitFeedback(f.ctx(alice), {
      source: 'end_user',
      input: { target: own('chatcmpl-req-alice-1'), rating: thumbs(0), comment: 'wrong' },
    });
    const second = await submitFeedback(f.ctx(alice), {
      source: 'end_user',
      input: { target: own('req-alice-1'), rating: thumbs(1) },
    });
    expect(second).toMatchObject({ id: first.id, revision: 2, approved: true, comment: null, arm: 'champion' });
    expect(first).toMatchObject({ revision: 1, approved: false, comment: 'wrong', modelVersion: 1 });
    const mine = await listFeedback(f.ctx(f.admin), { author: 'alice' });
    expect(mine.items).toHaveLength(1);
    const [history] = await feedbackHistory(f.ctx(f.admin), own('req-alice-1'));
    expect(history!.revisions.map((r) => [r.revision, r.approved, r.comment])).toEqual([
      [1, false, 'wrong'],
      [2, true, null],
    ]);
    const audit = await listAudit({ ...f.adminCtx, query: { action: 'feedback.submit', principal: 'alice' } });
    expect(audit.items.length).toBe(2);
  });

  it("a user cannot rate another user's request: 404 exactly as for an unknown id, nothing written", async () => {
    const other = submitFeedback(f.ctx(alice), {
      source: 'end_user',
      input: { target: own('req-bob-1'), rating: thumbs(1) },
    });
    await expect(other).rejects.toThrow(NotFoundError);
    await expect(other).rejects.toThrow('request "req-bob-1" not found');
    await expect(
      submitFeedback(f.ctx(alice), { source: 'end_user', input: { target: own('req-none'), rating: thumbs(1) } }),
    ).rejects.toThrow('request "req-none" not found');
    // Their own request, but no EXECUTE on the endpoint any more: 403 naming what is missing.
    await expect(
      submitFeedback(f.ctx(outsider), {
        source: 'end_user',
        input: { target: own('req-outsider'), rating: thumbs(1) },
      }),
    ).rejects.toThrow(PermissionDeniedError);
    expect((await listFeedback(f.ctx(f.admin), { author: 'outsider' })).items).toHaveLength(0);
    expect((await listFeedback(f.ctx(f.admin), { author: 'alice', source: 'end_user' })).items).toHaveLength(1);
  });

  it('refuses bad input with what and where, writing nothing: NUL, oversize, labels from end users, empty', async () => {
    const bad = [
      { source: 'end_user', input: { target: own('req-alice-2'), rating: thumbs(1), comment: 'a\u0000b' } },
      { source: 'end_user', input: { target: own('req-alice-2'), rating: thumbs(1), comment: 'x'.repeat(4_001) } },
      { source: 'end_user', input: { target: own('req-alice-2'), rating: { scale: 'five', value: 6 } } },
      { source: 'end_user', input: { target: own('req-alice-2'), rating: thumbs(1), labels: { correctness: 1 } } },
      { source: 'end_user', input: { target: own('req-alice-2') } },
      { source: 'reviewer', input: { target: own('req-alice-2'), labels: { correctness: 0.3 } } },
      { source: 'reviewer', input: { target: own('../etc'), rating: thumbs(1) } },
    ] as const;
    for (const b of bad) {
      const actor = b.source === 'end_user' ? alice : reviewer;
      await expect(submitFeedback(f.ctx(actor), b as never), JSON.stringify(b).slice(0, 120)).rejects.toMatchObject({
        code: 'invalid_input',
      });
    }
    expect((await listFeedback(f.ctx(f.admin), { modelName: EVAL_MODEL })).items.map((i) => i.author)).toEqual([
      'alice',
    ]);
  });

  it('end-user and reviewer feedback on the same item stay apart, and stats never mix them', async () => {
    await submitFeedback(f.ctx(alice), {
      source: 'end_user',
      input: { target: own('req-alice-2'), rating: thumbs(0) },
    });
    await submitFeedback(f.ctx(bob), { source: 'end_user', input: { target: own('req-bob-1'), rating: thumbs(1) } });
    await submitFeedback(f.ctx(reviewer), {
      source: 'reviewer',
      input: { target: own('req-alice-2'), rating: { scale: 'five', value: 5 }, labels: { groundedness: 1 } },
    });
    const users = await feedbackStats(f.ctx(reviewer), { modelName: EVAL_MODEL, source: 'end_user' });
    const reviewers = await feedbackStats(f.ctx(reviewer), { modelName: EVAL_MODEL, source: 'reviewer' });
    // alice: 1 (req-alice-1) and 0 (req-alice-2); bob: 1 → 2 of 3 approve; the reviewer's 5 is not among them.
    expect(users).toMatchObject({ count: 3, approval: { mean: 2 / 3, n: 3 }, perCriterion: {} });
    expect(users.approval!.low).toBeLessThan(2 / 3);
    expect(users.approval!.high).toBeGreaterThan(2 / 3);
    expect(users.groups).toEqual([
      expect.objectContaining({ modelVersion: 1, endpoint: 'docs', arm: 'champion', count: 3 }),
    ]);
    expect(reviewers).toMatchObject({
      count: 1,
      approval: { mean: 1, n: 1 },
      perCriterion: { groundedness: { mean: 1, n: 1 } },
    });
    // No READ (and no other privilege on it): the model is hidden, as if absent.
    await expect(feedbackStats(f.ctx(outsider), { modelName: EVAL_MODEL, source: 'end_user' })).rejects.toThrow(
      NotFoundError,
    );
  });

  it('feedback over time: per source × version × endpoint per UTC day, approval with a Wilson interval', async () => {
    const series = await feedbackTimeline(f.ctx(reviewer), { modelName: EVAL_MODEL, days: 7 });
    const today = new Date().toISOString().slice(0, 10);
    // The end users' three ratings (alice 1 → replaced, alice 0, bob 1) and rev1's five-star, apart.
    expect(
      series.map((s) => [s.source, s.modelVersion, s.endpoint, s.days.map((d) => [d.day, d.count, d.rated])]),
    ).toEqual([
      ['end_user', 1, 'docs', [[today, 3, 3]]],
      ['reviewer', 1, 'docs', [[today, 1, 1]]],
    ]);
    expect(series[0]!.days[0]!.approval).toMatchObject({ mean: 2 / 3, n: 3 });
    expect(series[0]!.days[0]!.approval!.low).toBeLessThan(2 / 3);
    // Windows before and after today hold nothing; other endpoints, nothing; no READ: hidden.
    for (const offsetDays of [-3, 3]) {
      const now = new Date(Date.now() + offsetDays * 86_400_000);
      expect(await feedbackTimeline(f.ctx(reviewer), { modelName: EVAL_MODEL, days: 2 }, now)).toEqual([]);
    }
    expect(await feedbackTimeline(f.ctx(reviewer), { modelName: EVAL_MODEL, endpoint: 'other' })).toEqual([]);
    await expect(feedbackTimeline(f.ctx(outsider), { modelName: EVAL_MODEL })).rejects.toThrow(NotFoundError);
    await expect(feedbackTimeline(f.ctx(reviewer), { modelName: EVAL_MODEL, days: 367 })).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });

  it('review queue: seeded stratified sample without verdicts, excluding what the reviewer labelled', async () => {
    for (let i = 0; i < 8; i++) await f.inference(`req-many-${i}`, 'bob');
    await f.inference('req-canary', 'bob', { servedEntity: 'canary' });
    const q = { source: 'inference' as const, size: 3, seed: 42 };
    const a = await reviewQueue(f.ctx(reviewer), q);
    expect(a.map((i) => i.target)).toEqual((await reviewQueue(f.ctx(reviewer), q)).map((i) => i.target));
    expect(a.map((i) => i.stratum.arm)).toContain('canary'); // 1 of 13 rows, still drawn: strata are round-robin
    expect(a.map((i) => i.target)).not.toContainEqual(own('req-alice-2')); // already labelled by rev1
    expect(a[0]).toMatchObject({ question: 'What does the champion alias mark?', citations: [1] });
    expect(a[0]!.passages[0]).toMatchObject({ n: 1, chunkId: 'c1', documentId: 'aliases.md' });
    expect(JSON.stringify(a)).not.toMatch(/verdict|score":0\.9[^,]*,"rationale/);
    // rev2 still sees req-alice-2 only while fewer than reviewersPerItem reviewers labelled it.
    const all2 = await reviewQueue(f.ctx(reviewer2), { ...q, size: 50, reviewersPerItem: 2 });
    expect(all2.map((i) => i.target)).toContainEqual(own('req-alice-2'));
    const one = await reviewQueue(f.ctx(reviewer2), { ...q, size: 50 });
    expect(one.map((i) => i.target)).not.toContainEqual(own('req-alice-2'));
    expect(await reviewQueue(f.ctx(outsider), { ...q, size: 50 })).toEqual([]);
  });

  it('review queue: a model or arm filter is applied before the window of newest rows, not after', async () => {
    // 5,000 newer rows of another arm fill the candidate window; the canary's older row stays reachable.
    const busy = Array.from({ length: 5_000 }, (_, i) => inferenceRow(`req-busy-${i}`, 'bob', { endpoint: 'busy' }));
    await f.store.transaction((tx) => insertInferenceRows(tx, busy));
    const q = { source: 'inference' as const, size: 50, seed: 42 };
    const canary = await reviewQueue(f.ctx(reviewer), { ...q, arm: 'canary' });
    expect(canary.map((i) => i.target)).toEqual([own('req-canary')]);
  }, 120_000);

  it('judge verdicts are refused before the reviewer labelled the eval row, shown after', async () => {
    const target = { kind: 'eval_row' as const, runId: f.run.id, rowId: 'q001' };
    await expect(reviewVerdicts(f.ctx(reviewer), target)).rejects.toMatchObject({ code: 'conflict' });
    await submitFeedback(f.ctx(reviewer), { source: 'reviewer', input: { target, labels: { correctness: 1 } } });
    const verdicts = await reviewVerdicts(f.ctx(reviewer), target);
    expect(verdicts.find((v) => v.judge === 'token_f1')?.score).toBeGreaterThan(0.9);
  });

  it('calibration: weighted κ per judge × criterion with an interval and n, uncalibrated with the reason, stored', async () => {
    const rows = await allRunRows(f.store, f.run.id);
    // Reviewers agree with token_f1 on correctness (judge 0.94/0.8 → 1, 0.58 → 0.5), two reviewers on q002.
    for (const row of rows) {
      const score = row.scores.token_f1!.score!;
      const label = score >= 0.75 ? 1 : 0.5;
      const target = { kind: 'eval_row' as const, runId: f.run.id, rowId: row.rowId };
      await submitFeedback(f.ctx(reviewer), { source: 'reviewer', input: { target, labels: { correctness: label } } });
      if (row.rowId === 'q002')
        await submitFeedback(f.ctx(reviewer2), {
          source: 'reviewer',
          input: { target, labels: { correctness: label } },
        });
    }
    expect(criterionOfJudge('token_f1')).toBe('correctness');
    const [tf1] = await judgeCalibration(f.adminCtx, { judge: 'token_f1', minItems: 10 });
    expect(tf1).toMatchObject({
      criterion: 'correctness',
      statistic: 'weighted_kappa',
      n: 12,
      value: 1,
      calibrated: true,
      judgeModel: null,
    });
    expect(tf1!.interval).toEqual({ low: 1, high: 1 });
    // Ordinal criterion: Spearman's ρ of the same pairs next to weighted κ, stored with it.
    expect(tf1!.spearman).toEqual({ value: 1, interval: { low: 1, high: 1 } });
    const strict = await judgeCalibration(f.adminCtx, { judge: 'rouge_l' });
    expect(strict[0]).toMatchObject({ n: 12, calibrated: false, reason: 'only 12 labelled items (need ≥ 30)' });
    const stored = await readJudgeCalibrations(f.store, { criterion: 'correctness' });
    expect(stored.map((s) => [s.judge, s.calibrated])).toEqual([
      ['rouge_l', false],
      ['token_f1', true],
    ]);
    expect(stored[1]!.spearman).toEqual(tf1!.spearman);
    // Disagreeing reviewers: κ drops below the bar.
    for (const row of rows) {
      const label = row.scores.token_f1!.score! >= 0.75 ? 0 : 1;
      const target = { kind: 'eval_row' as const, runId: f.run.id, rowId: row.rowId };
      await submitFeedback(f.ctx(reviewer), { source: 'reviewer', input: { target, labels: { correctness: label } } });
    }
    const [low] = await judgeCalibration(f.adminCtx, { judge: 'token_f1', minItems: 10 });
    expect(low!.calibrated).toBe(false);
    expect(low!.value!).toBeLessThan(0.6);
    expect(low!.reason).toMatch(/^weighted κ = -?\d\.\d\d is below 0\.6$/);
  });

  it('export: corrected and approved items round-trip through loadEvalDataset; openai-chat lines', async () => {
    const target = { kind: 'eval_row' as const, runId: f.run.id, rowId: 'q003' };
    await submitFeedback(f.ctx(reviewer2), {
      source: 'reviewer',
      input: { target, correctedAnswer: 'Endpoints split traffic by percentage.', comment: 'too long' },
    });
    const out = await exportFeedback(f.ctx(f.admin), { modelName: EVAL_MODEL });
    const file = join(f.datasetsDir, 'from-feedback.jsonl');
    await writeFile(file, `${out.lines.join('\n')}\n`);
    const ds = await loadEvalDataset(file);
    // req-alice-2 (5 of five) and q003 (corrected); q001's correctness 0 → not exported, listed as skipped.
    expect(ds.rows.length).toBe(out.rows);
    expect(ds.rows.map((r) => r.reference_answer)).toContain('Endpoints split traffic by percentage.');
    expect(ds.rows.find((r) => r.question === 'What does the champion alias mark?')?.reference_answer).toBe(
      'The champion alias marks the serving version [1].',
    );
    expect(out.skipped.some((s) => s.reason === 'neither corrected nor approved by a reviewer')).toBe(true);
    const chat = await exportFeedback(
      f.ctx(f.admin),
      { format: 'openai-chat' },
      {
        passages: async (_index, ids) => new Map(ids.map((id) => [id, `text of ${id}`])),
      },
    );
    const line = JSON.parse(chat.lines.find((l) => l.includes('text of c1'))!);
    expect(line.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user', 'assistant']);
    expect(line.messages[1].content).toBe('Passages:\n[1] text of c1\n\nQuestion: What does the champion alias mark?');
    expect(line.messages[2].content).toBe('The champion alias marks the serving version [1].');
  });
});
