// Judge calibration over more labelled eval rows than fit one read (100,000 reviewer feedback rows
// was its cap, silently, newest first): a real store on both backends, rows written in bulk as the
// eval-run and feedback stores write them. Every item counts, and an item whose reviewers straddle
// two pages counts once, on their mean label.
import type { SqlValue } from '@ragops/core';
import { judgeCalibration, quadraticWeightedKappa } from '@ragops/evals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spearmanRho } from '../packages/evals/src/calibration/agreement.ts';
import { CALIBRATION_PAGE_ROWS } from '../packages/evals/src/calibration/judge-calibration.ts';
import { insertRun } from '../packages/evals/src/store/eval-run-store.ts';
import { EVAL_MODEL, type EvalFixture, startEvalFixture } from './eval-fixture.ts';
import { testBackends } from './server-fixture.ts';

const RUN = 'run_bulk';
const BULK = 100_000;
const OLD = 30;
const LEVELS = [0, 0.5, 1];
/** The item whose three reviewers are rows CALIBRATION_PAGE_ROWS − 1 … + 1 in item order. */
const STRADDLING = CALIBRATION_PAGE_ROWS - 1;
const rowId = (k: number) => `r${String(k).padStart(6, '0')}`;

/** Inserts `rows` as 500-row statements of `columns` (one placeholder per column). */
async function insertBulk(f: EvalFixture, table: string, columns: string[], rows: readonly SqlValue[][]) {
  for (let i = 0; i < rows.length; i += 500) {
    const slice = rows.slice(i, i + 500);
    const values = slice.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
    await f.store.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`, slice.flat());
  }
}

/** A stored row of the run that token_f1 scored `score`. */
function runRow(k: number, score: number): SqlValue[] {
  const scores = JSON.stringify({ token_f1: { score, verdicts: [{ ok: true, score }] } });
  return [RUN, rowId(k), k, 'ok', '[]', 'q', 'a', '[]', scores, 0, 0, 0, 0, '2026-11-01T00:00:00.000Z'];
}
const RUN_ROW_COLUMNS = [
  'run_id',
  'row_id',
  'seq',
  'status',
  'tags',
  'question',
  'answer',
  'retrieved',
  'scores',
  'latency_total_ms',
  'judge_ms',
  'judge_tokens_in',
  'judge_tokens_out',
  'created_at',
];

/** Reviewer `author`'s correctness label on row k of the run, last changed at `at`. */
function label(k: number, author: string, correctness: number, at: number): SqlValue[] {
  const time = new Date(at).toISOString();
  return [
    `fb_${k}_${author}`,
    'reviewer',
    'eval_row',
    `eval_row:${RUN}:${rowId(k)}`,
    RUN,
    rowId(k),
    author,
    EVAL_MODEL,
    1,
    JSON.stringify({ correctness }),
    1,
    time,
    time,
  ];
}
const FEEDBACK_COLUMNS = [
  'id',
  'source',
  'target_kind',
  'target_key',
  'run_id',
  'row_id',
  'author',
  'model_name',
  'model_version',
  'labels',
  'revision',
  'created_at',
  'updated_at',
];

describe.each(testBackends())('judge calibration over 100,000 labelled items (%s)', (backend) => {
  let f: EvalFixture;
  // The pairs the calibration should count: (the reviewers' label, the judge's), both snapped.
  const human: number[] = [];
  const judge: number[] = [];

  beforeAll(async () => {
    f = await startEvalFixture(backend);
    await f.registerVersion();
    await insertRun(f.store, {
      id: RUN,
      modelUri: `models:/${EVAL_MODEL}/1`,
      modelName: EVAL_MODEL,
      modelVersion: 1,
      versionUri: `models:/${EVAL_MODEL}/1`,
      dataset: { name: 'bulk', contentHash: 'h', rowIds: [] },
      judges: [{ name: 'token_f1', kind: 'heuristic', version: 'tf1-v1' }],
      repeats: 1,
      status: 'completed',
      rowsTotal: BULK + OLD,
      createdBy: 'admin',
      createdAt: '2026-11-01T00:00:00.000Z',
    });
    const t0 = Date.UTC(2026, 10, 2);
    const rows: SqlValue[][] = [];
    const labels: SqlValue[][] = [];
    // 100,000 items a reviewer agrees on with the judge (levels in turn), one reviewer each …
    for (let k = 0; k < BULK; k++) {
      const level = k === STRADDLING ? 0.5 : LEVELS[k % 3]!;
      rows.push(runRow(k, level));
      human.push(level);
      judge.push(level);
      if (k === STRADDLING) {
        // … but three on one: labels 0, 1, 1 whose mean 2/3 snaps to the judge's 0.5, the newest rows.
        for (const [author, v] of [
          ['a', 0],
          ['b', 1],
          ['c', 1],
        ] as const)
          labels.push(label(k, author, v, t0 + 2 * BULK));
      } else labels.push(label(k, 'a', level, t0 + BULK + k));
    }
    // … and, labelled before all of them, 30 the judge scored 1 and the reviewer 0.
    for (let k = BULK; k < BULK + OLD; k++) {
      rows.push(runRow(k, 0.94));
      labels.push(label(k, 'a', 0, t0 + k - BULK));
      human.push(0);
      judge.push(1);
    }
    await insertBulk(f, 'eval_run_rows', RUN_ROW_COLUMNS, rows);
    await insertBulk(f, 'feedback', FEEDBACK_COLUMNS, labels);
    // As autovacuum would after a bulk load (a fresh PostgreSQL table has no statistics yet).
    await f.store.run('ANALYZE feedback');
    await f.store.run('ANALYZE eval_run_rows');
  }, 300_000);
  afterAll(async () => f?.close());

  it('counts every labelled item, the straddling one once, with weighted κ, ρ and intervals over all', async () => {
    const [tf1, ...others] = await judgeCalibration(f.adminCtx, { judge: 'token_f1' });
    expect(others).toEqual([]);
    expect(tf1).toMatchObject({ criterion: 'correctness', statistic: 'weighted_kappa', n: BULK + OLD });
    expect(tf1!.value).toBeCloseTo(quadraticWeightedKappa(human, judge), 12);
    expect(tf1!.value).toBeLessThan(1);
    expect(tf1!.spearman!.value).toBeCloseTo(spearmanRho(human, judge), 12);
    for (const [value, interval] of [
      [tf1!.value!, tf1!.interval!],
      [tf1!.spearman!.value!, tf1!.spearman!.interval!],
    ] as const) {
      expect(interval.low).toBeLessThanOrEqual(value);
      expect(interval.high).toBeGreaterThanOrEqual(value);
      expect(interval.high - interval.low).toBeLessThan(0.001);
    }
    expect(tf1!.reason).toBe(`weighted κ = ${tf1!.value!.toFixed(2)} ≥ 0.6 on ${BULK + OLD} items`);
  }, 120_000);

  it('counts nothing of a run the actor may not READ', async () => {
    const { principal } = await f.principal('stranger', []);
    expect(await judgeCalibration({ store: f.store, actor: principal, requestId: 't' })).toEqual([]);
  }, 120_000);
});
