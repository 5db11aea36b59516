// `ragops eval promptfoo` end to end through the CLI (runCli in this process), offline: promptfoo
// runs the registered version over a dataset with the user's --config, deterministic assertions
// plus llm-rubric and context-faithfulness graded by --judge-model (a loopback OpenAI-protocol
// server named in RAGOPS_LLM_PROVIDERS); the result is an eval run that `ragops eval show` and
// `eval list` print; not one connection outside loopback is attempted.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type OpenAIProtocolServer, startOpenAIProtocolServer } from '@ragops/rag/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVAL_MODEL, type EvalFixture, startEvalFixture } from './eval-fixture.ts';
import { runCli, runJson } from './index-cli-helpers.ts';
import { countOutsideAttempts } from './outside-connections.ts';

const CONFIG = `description: docs answers, graded by promptfoo
prompts: ['{{question}}']
defaultTest:
  assert:
    - { type: javascript, value: output.length > 0, metric: answered }
    - { type: regex, value: '\\[\\d+\\]', metric: cites }
    - { type: llm-rubric, value: The answer only states what the retrieved passages support. }
    - { type: context-faithfulness, threshold: 0.5 }
evaluateOptions: { maxConcurrency: 2 }
`;

// The loopback judge: a JSON rubric verdict; for context-faithfulness, statements, then verdicts.
function judgeAnswer(messages: readonly { content?: unknown }[]): string {
  const text = messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))).join('\n');
  if (/final verdict for each statement/i.test(text)) return 'Final verdict for each statement in order: Yes.';
  if (/rubric/i.test(text)) return JSON.stringify({ reason: 'grounded in passage [1]', pass: true, score: 1 });
  return 'The answer restates the passage.';
}

type RunJson = {
  id: string;
  status: string;
  rowsDone: number;
  rowsTotal: number;
  judges: { name: string; kind: string; model?: string }[];
  aggregates: { metrics: { judge: string; overall: { mean: number; n: number } | null }[] };
};

describe('ragops eval promptfoo (CLI, offline)', () => {
  let f: EvalFixture;
  let judge: OpenAIProtocolServer;
  let env: Record<string, string>;
  let config: string;

  beforeAll(async () => {
    f = await startEvalFixture();
    judge = await startOpenAIProtocolServer({ answer: judgeAnswer });
    await f.registerVersion();
    await f.writeDataset('pf', 4);
    config = join(f.home, 'promptfooconfig.yaml');
    await writeFile(config, CONFIG);
    env = {
      RAGOPS_METADATA_URL: f.metadataUrl,
      RAGOPS_LLM_PROVIDERS: JSON.stringify({ judge: { type: 'openai-compatible', baseURL: judge.baseURL } }),
    };
  }, 120_000);
  afterAll(async () => {
    await judge?.close();
    await f?.close();
  });

  it('stores the promptfoo run as an eval run that eval show and eval list print', async () => {
    const args = ['--dataset', 'pf', '--datasets-dir', f.datasetsDir, '--config', config];
    const counter = countOutsideAttempts();
    let run: RunJson;
    try {
      run = await runJson<RunJson>(
        ['eval', 'promptfoo', `models:/${EVAL_MODEL}/1`, ...args, '--judge-model', 'judge/test-model'],
        f.home,
        env,
      );
      // promptfoo's fire-and-forget posts would have started by now.
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      counter.restore();
    }
    expect(counter.outside).toEqual([]);
    expect(run).toMatchObject({ status: 'completed', rowsDone: 4, rowsTotal: 4 });
    expect(run.judges.map((j) => [j.name, j.kind, j.model])).toEqual([
      ['answered', 'heuristic', undefined],
      ['cites', 'heuristic', undefined],
      ['promptfoo:llm-rubric', 'llm', 'judge/test-model'],
      ['promptfoo:context-faithfulness', 'llm', 'judge/test-model'],
    ]);
    expect(run.aggregates.metrics.map((m) => [m.judge, m.overall?.mean, m.overall?.n])).toEqual([
      ['answered', 1, 4],
      ['cites', 1, 4],
      ['promptfoo:llm-rubric', 1, 4],
      ['promptfoo:context-faithfulness', 1, 4],
    ]);
    // Graded at the loopback judge: a rubric call and two faithfulness calls per row at least.
    expect(judge.requests.filter((r) => r.path.endsWith('/chat/completions')).length).toBeGreaterThanOrEqual(4 * 3);

    const shown = await runCli(['eval', 'show', run.id, '--rows'], f.home, env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`eval run ${run.id}  completed  4/4 rows`);
    expect(shown.stdout).toMatch(/promptfoo:llm-rubric\s+llm\s+1\.000 \[1\.000, 1\.000\] n=4/);
    expect(shown.stdout).toMatch(/q004\s+ok/);
    const listed = await runCli(['eval', 'list', '--model', EVAL_MODEL], f.home, env);
    expect(listed.stdout).toContain(run.id);
  }, 180_000);

  it('a config with providers: exits 2 naming the file and the key, and stores no run', async () => {
    const bad = join(f.home, 'bad-promptfooconfig.yaml');
    await writeFile(bad, `${CONFIG}providers: [openai:gpt-4o]\n`);
    const before = await runJson<{ items: unknown[] }>(['eval', 'list', '--model', EVAL_MODEL], f.home, env);
    const r = await runCli(
      [
        'eval',
        'promptfoo',
        `models:/${EVAL_MODEL}/1`,
        '--dataset',
        'pf',
        '--datasets-dir',
        f.datasetsDir,
        '--config',
        bad,
      ],
      f.home,
      env,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad-promptfooconfig.yaml');
    expect(r.stderr).toMatch(/providers/);
    const after = await runJson<{ items: unknown[] }>(['eval', 'list', '--model', EVAL_MODEL], f.home, env);
    expect(after.items).toHaveLength(before.items.length);
  });

  it('a malformed or overlong --judge-model exits 2 naming the flag, and stores no run', async () => {
    const before = await runJson<{ items: unknown[] }>(['eval', 'list', '--model', EVAL_MODEL], f.home, env);
    const args = ['--dataset', 'pf', '--datasets-dir', f.datasetsDir, '--config', config];
    for (const judge of ['no-slash', `judge/${'m'.repeat(400)}`]) {
      const r = await runCli(
        ['eval', 'promptfoo', `models:/${EVAL_MODEL}/1`, ...args, '--judge-model', judge],
        f.home,
        env,
      );
      expect(r.code, judge.slice(0, 20)).toBe(2);
      expect(r.stderr).toMatch(/--judge-model/);
    }
    const after = await runJson<{ items: unknown[] }>(['eval', 'list', '--model', EVAL_MODEL], f.home, env);
    expect(after.items).toHaveLength(before.items.length);
  });
});
