// `ragops feedback list|stats|export` and `ragops eval calibration`, in-process, on a real store,
// index and eval run; the export round-trips through loadEvalDataset and stays inside the project.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Feedback, type JudgeCalibration, loadEvalDataset, submitFeedback } from '@ragops/evals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVAL_MODEL } from './eval-fixture.ts';
import { type FeedbackFixture, startFeedbackFixture } from './feedback-fixture.ts';
import { runCli } from './index-cli-helpers.ts';

describe('ragops feedback', () => {
  let f: FeedbackFixture;
  let env: Record<string, string>;
  const cli = (args: string[]) => runCli(args, f.home, env, { cwd: f.home });
  const json = async <T>(args: string[]): Promise<T> => {
    const r = await cli(['--json', ...args]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as T;
  };

  beforeAll(async () => {
    f = await startFeedbackFixture('sqlite', 3);
    env = { RAGOPS_METADATA_URL: f.metadataUrl };
    const target = (rowId: string) => ({ kind: 'eval_row' as const, runId: f.run.id, rowId });
    await submitFeedback(f.adminCtx, {
      source: 'reviewer',
      input: { target: target('q001'), rating: { scale: 'thumbs', value: 1 }, labels: { correctness: 1 } },
    });
    await submitFeedback(f.adminCtx, {
      source: 'reviewer',
      input: { target: target('q003'), labels: { correctness: 0.5 }, correctedAnswer: 'By percentage.' },
    });
  }, 120_000);
  afterAll(async () => f?.close());

  it('lists and aggregates one source at a time; a missing --source exits 2', async () => {
    const page = await json<{ items: Feedback[] }>(['feedback', 'list', '--model', EVAL_MODEL]);
    expect(page.items.map((i) => i.target)).toHaveLength(2);
    const stats = await json<{ count: number; approval: { mean: number; n: number } }>([
      'feedback',
      'stats',
      '--model',
      EVAL_MODEL,
      '--source',
      'reviewer',
    ]);
    expect(stats).toMatchObject({ count: 2, approval: { mean: 1, n: 1 } });
    const human = await cli(['feedback', 'stats', '--model', EVAL_MODEL, '--source', 'reviewer']);
    expect(human.stdout).toMatch(/approval 100\.0% \[\d+\.\d, 100\.0\] n=1 \(Wilson 95%\)/);
    expect((await cli(['feedback', 'stats', '--model', EVAL_MODEL])).code).toBe(2);
  });

  it('exports reviewed items as a dataset that loads; refuses to overwrite or to leave the project', async () => {
    const out = await json<{ rows: number }>(['feedback', 'export', '--to', 'evals/reviewed.jsonl']);
    expect(out.rows).toBe(2);
    const file = join(f.home, 'evals', 'reviewed.jsonl');
    const ds = await loadEvalDataset(file);
    expect(ds.rows.map((r) => r.reference_answer)).toContain('By percentage.');
    await writeFile(file, 'kept\n');
    const again = await cli(['feedback', 'export', '--to', 'evals/reviewed.jsonl']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/--force/);
    expect(await readFile(file, 'utf8')).toBe('kept\n');
    expect((await cli(['feedback', 'export', '--to', 'evals/reviewed.jsonl', '--force'])).code).toBe(0);
    const outside = await cli(['feedback', 'export', '--to', '../outside.jsonl']);
    expect([outside.code, outside.stderr]).toEqual([2, expect.stringMatching(/outside the project/)]);
    const chat = await cli(['feedback', 'export', '--to', 'ft/chat.jsonl', '--format', 'openai-chat']);
    expect(chat.code, chat.stderr).toBe(0);
    const first = JSON.parse((await readFile(join(f.home, 'ft', 'chat.jsonl'), 'utf8')).split('\n')[0]!);
    expect(first.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user', 'assistant']);
    // Passage texts from the pinned index version (the admin may read it), numbered as the answer cites them.
    expect(first.messages[1].content).toMatch(/^Passages:\n\[1\] # \w+/);
  });

  it('eval calibration reports each judge × criterion with n and why it is uncalibrated', async () => {
    const { calibrations } = await json<{ calibrations: JudgeCalibration[] }>([
      'eval',
      'calibration',
      '--judge',
      'token_f1',
    ]);
    expect(calibrations).toEqual([
      expect.objectContaining({
        judge: 'token_f1',
        criterion: 'correctness',
        n: 2,
        calibrated: false,
        reason: 'only 2 labelled items (need ≥ 30)',
      }),
    ]);
    const human = await cli(['eval', 'calibration']);
    expect(human.stdout).toMatch(/rouge_l .*correctness .*weighted_kappa/);
    expect(human.stdout.split('\n')[0]).toMatch(/value \[95% CI\] +rho \[95% CI\] +n /); // ρ beside weighted κ
    expect((await cli(['eval', 'calibration', '--min-items', '1'])).code).toBe(2);
  });
});
