// Feedback tests' setup over the eval fixture: a real eval run (chain host, offline judges) with
// committed rows, an endpoint serving the version, and inference rows written through core's own
// inference-table writer (the rows serving writes; the HTTP path is covered by feedback-api).
import { createEndpoint, type InferenceRow, insertInferenceRows, type Principal } from '@ragops/core';
import { createEvalRun, createJudges, type EvalRun, loadEvalDataset, runEval } from '@ragops/evals';
import { createChainHost } from '@ragops/rag';
import { EVAL_MODEL, type EvalFixture, startEvalFixture } from './eval-fixture.ts';
import { inferenceRow as splitTestRow } from './split-test-rows.ts';

export type FeedbackFixture = EvalFixture & {
  run: EvalRun;
  ctx(p: Principal): { store: EvalFixture['store']; actor: Principal; requestId: string };
  /** Writes a live inference row of `caller` on endpoint `docs` (arm `champion` unless given). */
  inference(requestId: string, caller: string, extra?: Partial<InferenceRow>): Promise<void>;
};

export async function startFeedbackFixture(backend: 'sqlite' | 'postgres', rows = 6): Promise<FeedbackFixture> {
  const f = await startEvalFixture(backend);
  await f.registerVersion();
  const dataset = await loadEvalDataset(await f.writeDataset('qa', rows));
  const judges = () => createJudges({ names: ['offline'], k: 3 });
  const host = createChainHost({ store: f.store, home: f.home, providers: {}, actorName: 'system:evals' });
  const created = await createEvalRun({
    ...f.adminCtx,
    modelUri: `models:/${EVAL_MODEL}/1`,
    dataset,
    judges: judges(),
  });
  const run = await runEval({ host, store: f.store, run: created, dataset, judges: judges(), concurrency: 2 });
  await createEndpoint({
    ...f.adminCtx,
    name: 'docs',
    config: { served: [{ model: `models:/${EVAL_MODEL}/1`, traffic: 100, name: 'champion' }] },
  });
  return {
    ...f,
    run,
    ctx: (actor) => ({ store: f.store, actor, requestId: 'test' }),
    async inference(requestId, caller, extra = {}) {
      const row = inferenceRow(requestId, caller, extra);
      await f.store.transaction((tx) => insertInferenceRows(tx, [row]));
    },
  };
}

/** A live, answered inference row of `caller` on endpoint `docs` (arm `champion`), as serving writes it. */
export function inferenceRow(requestId: string, caller: string, extra: Partial<InferenceRow> = {}): InferenceRow {
  return splitTestRow('docs', { name: 'champion', model: EVAL_MODEL, version: 1 }, caller, {
    requestId,
    assignment: 'single',
    indexName: 'dev.qs.kb',
    indexVersion: 1,
    costUsd: null,
    requestMessages: [{ role: 'user', content: 'What does the champion alias mark?' }],
    answer: 'The champion alias marks the serving version [1].',
    retrieved: [{ chunkId: 'c1', documentId: 'aliases.md', score: 0.9 }],
    ...extra,
  });
}
