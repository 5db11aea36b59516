// `ragops eval …` end to end: in-process for the commands, one real process for kill -9 mid-run.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listEvalRunRows } from '@ragops/evals';
import { type OpenAIProtocolServer, startOpenAIProtocolServer } from '@ragops/rag/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVAL_MODEL, type EvalFixture, startEvalFixture } from './eval-fixture.ts';
import { runCli, runJson, startCli } from './index-cli-helpers.ts';

type RunJson = { id: string; status: string; rowsDone: number; rowsTotal: number; aggregates: unknown };

describe('ragops eval', () => {
  let f: EvalFixture;
  let llm: OpenAIProtocolServer;
  let env: Record<string, string>;
  const dir = () => ['--datasets-dir', f.datasetsDir];

  beforeAll(async () => {
    f = await startEvalFixture();
    llm = await startOpenAIProtocolServer();
    await f.registerVersion(); // 1: extractive
    await f.registerVersion({ provider: 'slow', model: 'test-model' }); // 2: a loopback LLM we can slow down
    await f.writeDataset('qa', 6);
    env = {
      RAGOPS_METADATA_URL: f.metadataUrl,
      RAGOPS_LLM_PROVIDERS: JSON.stringify({ slow: { type: 'openai-compatible', baseURL: llm.baseURL } }),
    };
  }, 120_000);
  afterAll(async () => {
    await llm?.close();
    await f?.close();
  });

  it('lists and shows datasets; a bad line exits 2 naming file:line', async () => {
    const list = await runJson<{ datasets: { name: string; rows: number }[] }>(
      ['eval', 'datasets', 'list', ...dir()],
      f.home,
      env,
    );
    expect(list.datasets).toContainEqual(expect.objectContaining({ name: 'qa', ok: true, rows: 6 }));
    await writeFile(
      join(f.datasetsDir, 'broken.jsonl'),
      '{"id":"a","question":"ok?"}\n{"id":"b","refrence_answer":"x"}\n',
    );
    const bad = await runCli(['eval', 'run', `models:/${EVAL_MODEL}/1`, '--dataset', 'broken', ...dir()], f.home, env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/broken\.jsonl:2/);
  });

  it('runs, lists, shows with intervals and compares', async () => {
    const a = await runJson<RunJson>(
      ['eval', 'run', `models:/${EVAL_MODEL}/1`, '--dataset', 'qa', '--judges', 'token_f1,recall@3', ...dir()],
      f.home,
      env,
    );
    expect(a).toMatchObject({ status: 'completed', rowsDone: 6, rowsTotal: 6 });
    const b = await runJson<RunJson>(
      [
        'eval',
        'run',
        `models:/${EVAL_MODEL}/2`,
        '--dataset',
        'qa',
        '--judges',
        'token_f1,recall@3',
        '--limit',
        '4',
        ...dir(),
      ],
      f.home,
      env,
    );
    expect(b).toMatchObject({ status: 'completed', rowsTotal: 4 });
    const shown = await runCli(['eval', 'show', a.id, '--rows'], f.home, env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/token_f1\s+heuristic\s+\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\] n=6/);
    expect(shown.stdout).toMatch(/recall@3\s+retrieval/);
    expect(shown.stdout).toMatch(/q006\s+ok/);
    const list = await runCli(['eval', 'list', '--model', EVAL_MODEL], f.home, env);
    expect(list.stdout).toContain(a.id);
    const cmp = await runCli(['eval', 'compare', a.id, b.id], f.home, env);
    expect(cmp.code).toBe(0);
    expect(cmp.stdout).toMatch(/4 paired rows/);
    expect(cmp.stdout).toMatch(/token_f1\s+[+-]\d\.\d{3} \[/);
    const lineage = await runCli(['models', 'lineage', `models:/${EVAL_MODEL}/1`], f.home, env);
    expect(lineage.stdout).toContain(`eval_run ${a.id}`);
  }, 60_000);

  it('a principal without EXECUTE cannot run (exit 2); without READ cannot show', async () => {
    const reader = await f.principal('cli_reader', ['READ']);
    const nobody = await f.principal('cli_nobody', []);
    const denied = await runCli(['eval', 'run', `models:/${EVAL_MODEL}/1`, '--dataset', 'qa', ...dir()], f.home, {
      ...env,
      RAGOPS_TOKEN: reader.token,
    });
    expect(denied.code).toBe(2);
    expect(denied.stderr).toMatch(/lacks EXECUTE/);
    const { id } = await runJson<RunJson>(
      ['eval', 'run', `models:/${EVAL_MODEL}/1`, '--dataset', 'qa', ...dir()],
      f.home,
      env,
    );
    expect((await runCli(['eval', 'show', id], f.home, { ...env, RAGOPS_TOKEN: reader.token })).code).toBe(0);
    const hidden = await runCli(['eval', 'show', id], f.home, { ...env, RAGOPS_TOKEN: nobody.token });
    expect(hidden.code).toBe(2);
    expect(hidden.stderr).toMatch(/eval run .* not found/);
  }, 60_000);

  it('kill -9 mid-run, then resume: no row lost, none scored twice', async () => {
    await f.writeDataset('long', 40);
    // Every chat call takes 150 ms, so a one-at-a-time run of 40 rows is still going when killed.
    llm.faults.push({ kind: 'delay', ms: 150, times: 1_000, path: '/v1/chat/completions' });
    const child = startCli(
      ['eval', 'run', `models:/${EVAL_MODEL}/2`, '--dataset', 'long', '--concurrency', '1', ...dir()],
      f.home,
      env,
    );
    let runId: string | undefined;
    child.stderr?.on('data', (d: Buffer) => {
      runId ??= /eval run (er_[0-9a-f]+)/.exec(String(d))?.[1];
    });
    // Wait for a few committed rows (read from the store, as a second process would).
    for (let i = 0; i < 600; i++) {
      if (runId && (await listEvalRunRows({ ...f.adminCtx, id: runId })).items.length >= 3) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    expect(runId).toBeDefined();
    const kept = (await listEvalRunRows({ ...f.adminCtx, id: runId! })).items;
    expect(kept.length).toBeGreaterThanOrEqual(3);
    expect(kept.length).toBeLessThan(40);
    llm.faults.clear();

    const resumed = await runJson<RunJson>(['eval', 'resume', runId!, ...dir()], f.home, env);
    expect(resumed).toMatchObject({ status: 'completed', rowsDone: 40, rowsTotal: 40 });
    const rows = (await listEvalRunRows({ ...f.adminCtx, id: runId!, pageSize: 1000 })).items;
    expect(rows.map((r) => r.rowId)).toEqual(
      Array.from({ length: 40 }, (_, i) => `q${String(i + 1).padStart(3, '0')}`),
    );
    for (const before of kept) expect(rows.find((r) => r.rowId === before.rowId)?.createdAt).toBe(before.createdAt);
    expect(rows.every((r) => r.status === 'ok')).toBe(true);
    const again = await runCli(['eval', 'resume', runId!, ...dir()], f.home, env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already completed/);
  }, 120_000);
});
