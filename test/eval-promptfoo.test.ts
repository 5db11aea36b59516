// The promptfoo bridge end to end with no network: promptfoo (as a library) runs a registered
// version through the chain host, deterministic assertions offline, llm-rubric and
// context-faithfulness graded by the loopback OpenAI-protocol server; the result is an eval run
// `eval compare` reads; not one connection to a host outside loopback is attempted (counted at
// net.Socket.connect and dns.lookup in this process); the CLI's command table does not load promptfoo.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  compareEvalRuns,
  guardOutboundFetch,
  listEvalRunRows,
  loadEvalDataset,
  type PromptfooConfig,
  runPromptfooEval,
} from '@ragops/evals';
import { type ChainHost, createChainHost, createLanguageModelResolver } from '@ragops/rag';
import { MockLanguageModel, type OpenAIProtocolServer, startOpenAIProtocolServer } from '@ragops/rag/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVAL_MODEL, type EvalFixture, startEvalFixture } from './eval-fixture.ts';
import { countOutsideAttempts } from './outside-connections.ts';

const CONFIG: PromptfooConfig = {
  prompts: ['{{question}}'],
  defaultTest: {
    assert: [
      { type: 'javascript', value: 'output.length > 0', metric: 'answered' },
      { type: 'regex', value: '\\[\\d+\\]', metric: 'cites' },
      { type: 'llm-rubric', value: 'The answer is grounded in the retrieved passages.' },
      { type: 'context-faithfulness', threshold: 0.5 },
    ],
  },
};

// The loopback judge: JSON rubric verdicts; for context-faithfulness, statements, then verdicts.
function judgeAnswer(messages: readonly { content?: unknown }[]): string {
  const text = messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))).join('\n');
  if (/final verdict for each statement/i.test(text)) return 'Final verdict for each statement in order: Yes.';
  if (/rubric/i.test(text)) return JSON.stringify({ reason: 'grounded in passage [1]', pass: true, score: 1 });
  return 'The answer restates the passage.';
}

const backends = [
  ['sqlite', true],
  ['postgres', Boolean(process.env.RAGOPS_TEST_POSTGRES_URL)],
] as const;

for (const [backend, enabled] of backends) {
  describe.skipIf(!enabled)(`promptfoo bridge (${backend})`, () => {
    let f: EvalFixture;
    let host: ChainHost;
    let judge: OpenAIProtocolServer;

    beforeAll(async () => {
      f = await startEvalFixture(backend);
      await f.registerVersion();
      host = createChainHost({ store: f.store, home: f.home, actorName: 'system:evals' });
      judge = await startOpenAIProtocolServer({ answer: judgeAnswer });
    }, 120_000);
    afterAll(async () => {
      await judge?.close();
      await f?.close();
    });

    it('runs promptfoo on the dataset with no outside connection and stores a comparable eval run', async () => {
      const dataset = await loadEvalDataset(await f.writeDataset('pf', 6));
      const grader = createLanguageModelResolver(
        { judge: { type: 'openai-compatible', baseURL: judge.baseURL } },
        { fetch: globalThis.fetch.bind(globalThis) },
      )('judge', 'test-model');
      const counter = countOutsideAttempts();
      const run = async () =>
        runPromptfooEval({
          ...f.adminCtx,
          host,
          modelUri: `models:/${EVAL_MODEL}@latest`,
          dataset,
          config: CONFIG,
          home: f.home,
          grader,
          concurrency: 3,
        });
      let a: Awaited<ReturnType<typeof run>>;
      let b: Awaited<ReturnType<typeof run>>;
      try {
        a = await run();
        b = await run();
        // promptfoo's fire-and-forget posts would have started by now.
        await new Promise((resolve) => setTimeout(resolve, 500));
      } finally {
        counter.restore();
      }
      expect(counter.outside).toEqual([]);

      expect(a).toMatchObject({ status: 'completed', modelVersion: 1, rowsTotal: 6, rowsDone: 6 });
      expect(a.judges.map((j) => [j.name, j.kind])).toEqual([
        ['answered', 'heuristic'],
        ['cites', 'heuristic'],
        ['promptfoo:llm-rubric', 'llm'],
        ['promptfoo:context-faithfulness', 'llm'],
      ]);
      expect(a.judges[2]!.model).toBe('judge/test-model');
      const { items } = await listEvalRunRows({ ...f.adminCtx, id: a.id });
      expect(items).toHaveLength(6);
      for (const row of items) {
        expect([row.status, row.error]).toEqual(['ok', null]);
        expect(row.answer).toMatch(/\[\d+\]/);
        expect(row.retrieved.length).toBeGreaterThan(0);
        expect(row.scores.answered?.score).toBe(1);
        expect(row.scores['promptfoo:llm-rubric']?.score).toBe(1);
        expect(row.scores['promptfoo:context-faithfulness']?.score).toBe(1);
      }
      const rubric = a.aggregates!.metrics.find((m) => m.judge === 'promptfoo:llm-rubric')!;
      expect(rubric.overall).toMatchObject({ mean: 1, n: 6 });
      // Graded at the loopback server: at least one rubric call and two faithfulness calls per row,
      // per run (two runs; nothing reached any other host). Measured: 39 (a few verdicts asked twice).
      const chats = judge.requests.filter((r) => r.path.endsWith('/chat/completions'));
      expect(chats.length).toBeGreaterThanOrEqual(2 * 6 * 3);
      expect(chats.length).toBeLessThan(2 * 2 * 6 * 3);

      const cmp = await compareEvalRuns({ ...f.adminCtx, a: a.id, b: b.id });
      expect(cmp.pairedRows).toBe(6);
      expect(cmp.sameDataset).toBe(true);
      expect(cmp.metrics.map((m) => [m.judge, m.diff?.mean])).toEqual([
        ['answered', 0],
        ['cites', 0],
        ['promptfoo:llm-rubric', 0],
        ['promptfoo:context-faithfulness', 0],
      ]);
      // promptfoo's own state stays under RAGOPS_HOME. promptfoo fixes its config folder when it is
      // first imported, so in this process it is the first (sqlite) fixture's home.
      if (backend === 'sqlite') expect(existsSync(join(f.home, 'promptfoo', 'config'))).toBe(true);
    }, 180_000);

    it('records a failing chain call as that row’s error, never a score', async () => {
      // A model that answers only when aborted: the timeout fires whatever the machine's speed
      // (the instant extractive model once answered a 1 ms deadline on a warm chain).
      const stalled = createChainHost({
        store: f.store,
        home: f.home,
        actorName: 'system:evals',
        customProviders: {
          stalled: () =>
            new MockLanguageModel({
              reply: (req) =>
                new Promise((_, reject) =>
                  req.abortSignal?.addEventListener('abort', () => reject(req.abortSignal?.reason)),
                ),
            }),
        },
      });
      const version = await f.registerVersion({ provider: 'stalled', model: 'never' });
      const dataset = await loadEvalDataset(await f.writeDataset('pf-timeout', 2));
      const run = await runPromptfooEval({
        ...f.adminCtx,
        host: stalled,
        modelUri: `models:/${EVAL_MODEL}/${version}`,
        dataset,
        config: { defaultTest: { assert: [{ type: 'javascript', value: 'output.length > 0' }] } },
        home: f.home,
        timeoutMs: 300,
      });
      const { items } = await listEvalRunRows({ ...f.adminCtx, id: run.id });
      expect(items.map((r) => [r.status, r.error?.code])).toEqual([
        ['error', 'timeout'],
        ['error', 'timeout'],
      ]);
      expect(run.aggregates!.metrics[0]!.overall).toBeNull();
    }, 60_000);
  });
}

describe('outbound guard', () => {
  it('refuses fetches outside loopback before any socket, lets loopback through, restores fetch', async () => {
    const original = globalThis.fetch;
    const server = await startOpenAIProtocolServer();
    const guard = guardOutboundFetch();
    try {
      await expect(fetch('https://r.promptfoo.app/')).rejects.toThrow('fetch failed');
      await expect(fetch(new URL('http://10.1.2.3:8000/v1/models'))).rejects.toThrow('fetch failed');
      expect((await fetch(`${server.baseURL}/models`)).status).toBe(200);
      expect(guard.refused).toEqual(['r.promptfoo.app', '10.1.2.3:8000']);
    } finally {
      guard.release();
      await server.close();
    }
    expect(globalThis.fetch).toBe(original);
  });
});

describe('CLI startup', () => {
  it('loading the command table and the eval group does not load promptfoo', () => {
    // One spawn: a fresh module graph, recorded by a resolve hook.
    const code = `
      import { registerHooks } from 'node:module';
      const seen = [];
      registerHooks({ resolve(s, c, next) { const r = next(s, c); seen.push(r.url); return r; } });
      const { COMMAND_GROUPS } = await import('./apps/cli/src/command-groups.ts');
      await COMMAND_GROUPS.eval.load();
      console.log(JSON.stringify({ total: seen.length, promptfoo: seen.filter((u) => u.includes('/node_modules/promptfoo/')).length }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
      cwd: join(import.meta.dirname, '..'),
      encoding: 'utf8',
    });
    const { total, promptfoo } = JSON.parse(out.trim().split('\n').pop()!);
    expect(total).toBeGreaterThan(10);
    expect(promptfoo).toBe(0);
  }, 60_000);
});
