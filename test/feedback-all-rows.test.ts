// Statistics and exports over more feedback than fits one read (100,000 rows was the cap of both,
// silently): a real store on both backends, rows written in bulk as the feedback store writes them.
import type { SqlValue } from '@ragops/core';
import { exportFeedback, feedbackStats, submitFeedback } from '@ragops/evals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVAL_MODEL } from './eval-fixture.ts';
import { type FeedbackFixture, startFeedbackFixture } from './feedback-fixture.ts';
import { testBackends } from './server-fixture.ts';

const BULK = 100_000;

type BulkRow = { id: string; author: string; version: number; approved: 0 | 1 | null; labels: string; at: string };

/** Reviewer feedback rows on request `requestId`, inserted 500 a statement. */
async function insertReviewerRows(f: FeedbackFixture, requestId: string, rows: readonly BulkRow[]): Promise<void> {
  const columns =
    'id, source, target_kind, target_key, request_id, author, model_name, model_version, approved, labels, revision, created_at, updated_at';
  for (let i = 0; i < rows.length; i += 500) {
    const slice = rows.slice(i, i + 500);
    const params: SqlValue[] = slice.flatMap((r) => [
      r.id,
      'reviewer',
      'inference',
      `inference:${requestId}`,
      requestId,
      r.author,
      EVAL_MODEL,
      r.version,
      r.approved,
      r.labels,
      1,
      r.at,
      r.at,
    ]);
    const values = slice.map(() => `(${Array(13).fill('?').join(', ')})`).join(', ');
    await f.store.run(`INSERT INTO feedback (${columns}) VALUES ${values}`, params);
  }
}

describe.each(testBackends())('feedback over 100,000 rows (%s)', (backend) => {
  let f: FeedbackFixture;

  beforeAll(async () => {
    f = await startFeedbackFixture(backend, 3);
    // The oldest reviewed item is the one worth exporting: an answered request, approved.
    await f.inference('req-kept', 'alice');
    await submitFeedback(f.ctx(f.admin), {
      source: 'reviewer',
      input: { target: { kind: 'inference', requestId: 'req-kept' }, rating: { scale: 'thumbs', value: 1 } },
    });
    // Then 100,000 newer reviews (one per reviewer) of a request that is gone, on version 1, half
    // approving, labelled correctness 0 or 1; and 30 on version 2, which sorts after all of them.
    const later = Date.now() + 86_400_000;
    const at = (i: number) => new Date(later + i).toISOString();
    await insertReviewerRows(
      f,
      'req-gone',
      Array.from({ length: BULK }, (_, i) => ({
        id: `fb_bulk_${i}`,
        author: `reviewer-${i}`,
        version: 1,
        approved: (i % 2) as 0 | 1,
        labels: JSON.stringify({ correctness: i % 2 }),
        at: at(i),
      })),
    );
    await insertReviewerRows(
      f,
      'req-gone-v2',
      Array.from({ length: 30 }, (_, i) => ({
        id: `fb_v2_${i}`,
        author: `reviewer-${i}`,
        version: 2,
        approved: null,
        labels: JSON.stringify({ groundedness: 0.5 }),
        at: at(i),
      })),
    );
    // As autovacuum would after a bulk load (a fresh PostgreSQL table has no statistics yet).
    await f.store.run('ANALYZE feedback');
  }, 300_000);
  afterAll(async () => f?.close());

  it('stats count every row, per group and pooled, with the n each interval rests on', async () => {
    const stats = await feedbackStats(f.ctx(f.admin), { modelName: EVAL_MODEL, source: 'reviewer' });
    expect(stats.count).toBe(BULK + 31);
    expect(stats.approval).toMatchObject({ n: BULK + 1 });
    expect(stats.approval!.mean).toBeCloseTo((BULK / 2 + 1) / (BULK + 1), 12);
    expect(stats.perCriterion.correctness).toMatchObject({ mean: 0.5, n: BULK });
    expect(stats.perCriterion.correctness!.high - stats.perCriterion.correctness!.low).toBeLessThan(0.01);
    expect(stats.perCriterion.groundedness).toEqual({ mean: 0.5, low: 0.5, high: 0.5, n: 30 });
    const group = (version: number, endpoint: string | null) =>
      stats.groups.find((g) => g.modelVersion === version && g.endpoint === endpoint);
    expect(stats.groups).toHaveLength(3);
    expect(group(1, null)).toMatchObject({ count: BULK, approval: { mean: 0.5, n: BULK } });
    expect(group(1, 'docs')).toMatchObject({ arm: 'champion', count: 1, approval: { mean: 1, n: 1 } });
    expect(group(2, null)).toMatchObject({ count: 30, approval: undefined, perCriterion: { groundedness: { n: 30 } } });
  });

  it('the export reads past the newest 100,000 reviews to the item worth exporting', async () => {
    const out = await exportFeedback(f.ctx(f.admin), { modelName: EVAL_MODEL });
    expect(out.rows).toBe(1);
    expect(JSON.parse(out.lines[0]!)).toMatchObject({
      question: 'What does the champion alias mark?',
      reference_answer: 'The champion alias marks the serving version [1].',
    });
    expect(out.skipped).toEqual([
      { target: 'inference:req-gone', reason: 'not found or not readable' },
      { target: 'inference:req-gone-v2', reason: 'not found or not readable' },
    ]);
  });
});
