import { canonicalJson, type ModelVersion } from '@ragops/core';
import type { ChainHost } from '@ragops/rag';
import type { EvalDataset } from '../datasets/load-eval-dataset.ts';
import type { Judge } from '../judges/judge.ts';
import type { EvalRun } from '../runs/eval-run-schemas.ts';
import { authorizeEvalRunExecution, createEvalRun, type EvalContext, runJudgeOf } from '../runs/eval-run-service.ts';
import { runEval } from '../runs/run-eval.ts';
import { selectRuns } from '../store/eval-run-store.ts';

/** `reused`: a completed run existed; `resumed`: an unfinished one was finished; `ran`: a new run. */
export type EnsuredRun = { run: EvalRun; how: 'reused' | 'resumed' | 'ran' };

/**
 * The run of `version` on `dataset` with `judges`, made at most once: an existing run with the same
 * version, dataset content hash, judges (name, kind, version, model), one repeat and all rows is
 * reused when completed and resumed when not (a killed pipeline left it running or interrupted), so a
 * re-run never duplicates a run. Only otherwise is a new run created and run.
 */
export async function ensureEvalRun(
  ctx: EvalContext & {
    host: ChainHost;
    version: ModelVersion;
    dataset: EvalDataset;
    judges: readonly Judge[];
    concurrency?: number;
  },
): Promise<EnsuredRun> {
  const judgesKey = canonicalJson(ctx.judges.map(runJudgeOf));
  const runs = await selectRuns(ctx.store, {
    modelName: ctx.version.fullName,
    modelVersion: ctx.version.version,
    limit: 10_000,
    offset: 0,
  });
  const same = runs.filter(
    (r) =>
      r.dataset.name === ctx.dataset.name &&
      r.dataset.contentHash === ctx.dataset.contentHash &&
      r.rowsTotal === ctx.dataset.rows.length &&
      r.repeats === 1 &&
      canonicalJson(r.judges) === judgesKey,
  );
  const completed = same.find((r) => r.status === 'completed');
  if (completed) return { run: completed, how: 'reused' };
  const run = same[0];
  const go = (r: EvalRun) =>
    runEval({
      host: ctx.host,
      store: ctx.store,
      run: r,
      dataset: ctx.dataset,
      judges: ctx.judges,
      ...(ctx.concurrency !== undefined && { concurrency: ctx.concurrency }),
    });
  if (run) {
    await authorizeEvalRunExecution({ store: ctx.store, actor: ctx.actor, run });
    return { run: await go(run), how: 'resumed' };
  }
  const created = await createEvalRun({ ...ctx, modelUri: ctx.version.uri, dataset: ctx.dataset, judges: ctx.judges });
  return { run: await go(created), how: 'ran' };
}
