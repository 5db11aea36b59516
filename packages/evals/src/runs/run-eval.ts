import { ConflictError, type MetadataStore } from '@ragops/core';
import type { ChainHost, ChainOutcome, ChainVersion } from '@ragops/rag';
import { type EvalRow, evalRowQuestion } from '../datasets/eval-row.ts';
import type { EvalDataset } from '../datasets/load-eval-dataset.ts';
import type { Judge, JudgeItem } from '../judges/judge.ts';
import { findRun, insertRunRow, storedRowIds, updateRun } from '../store/eval-run-store.ts';
import { aggregateRun } from './aggregate-run.ts';
import type { EvalRun, EvalRunRow, RowScore } from './eval-run-schemas.ts';
import { allRunRows, runJudgeOf } from './eval-run-service.ts';

/** Progress of a run: rows committed (this session and before), of the run's total. */
export type EvalProgress = { done: number; total: number; failed: number };

export type RunEvalOptions = {
  host: ChainHost;
  store: MetadataStore;
  /** A run from `createEvalRun`, or one being resumed (`getEvalRun`); authorization is the caller's. */
  run: EvalRun;
  /** The run's dataset; its content hash must be the run's (a changed file cannot be resumed). */
  dataset: EvalDataset;
  /** The run's judges, same names, kinds, versions and models (a changed judge prompt cannot be resumed). */
  judges: readonly Judge[];
  /** Rows in flight at once (default 4). */
  concurrency?: number;
  /** Budget per chain call (default 60 s); a miss is recorded as that row's `timeout` error. */
  timeoutMs?: number;
  onProgress?: (progress: EvalProgress) => void;
  /** Ctrl-C: rows in flight are dropped (not committed), the run is left `interrupted` and resumable. */
  abortSignal?: AbortSignal;
};

/**
 * Runs (or resumes) an eval run: every dataset row the run names and has not committed yet goes
 * through the chain host (the run's pinned version), then every judge (`repeats` times); each
 * scored row is committed on its own, so a crash or Ctrl-C loses at most the rows in flight and a
 * resume never scores a committed row again. At the end the aggregates are stored and the run is
 * `completed`; an abort leaves it `interrupted`, an unexpected error `failed` (both resumable).
 * @example
 * const run = await createEvalRun({ ...ctx, modelUri, dataset, judges });
 * const done = await runEval({ host, store, run, dataset, judges, concurrency: 8 });
 */
export async function runEval(options: RunEvalOptions): Promise<EvalRun> {
  const { run, store } = options;
  checkResumable(run, options.dataset, options.judges);
  const version = await options.host.resolveVersion(run.versionUri);
  const rowsById = new Map(options.dataset.rows.map((r, seq) => [r.id, { row: r, seq }]));
  const stored = await storedRowIds(store, run.id);
  const pending = run.dataset.rowIds.filter((id) => !stored.has(id));
  await updateRun(store, run.id, { status: 'running' });

  const progress: EvalProgress = { done: stored.size, total: run.rowsTotal, failed: 0 };
  options.onProgress?.({ ...progress });
  const signal = options.abortSignal;
  let next = 0;
  const worker = async () => {
    while (next < pending.length && !signal?.aborted) {
      const entry = rowsById.get(pending[next++]!)!;
      const row = await scoreRow({ ...options, version, row: entry.row, seq: entry.seq });
      if (row === undefined || signal?.aborted) return; // aborted mid-row: nothing committed
      if (await insertRunRow(store, row)) {
        progress.done++;
        if (row.status === 'error') progress.failed++;
        options.onProgress?.({ ...progress });
      }
    }
  };
  try {
    const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, pending.length)) }, worker);
    await Promise.all(workers);
  } catch (error) {
    await updateRun(store, run.id, { status: 'failed', error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
  if (signal?.aborted) {
    await updateRun(store, run.id, { status: 'interrupted' });
  } else {
    const aggregates = aggregateRun(run.judges, await allRunRows(store, run.id));
    await updateRun(store, run.id, { status: 'completed', aggregates, finished: true });
  }
  return (await findRun(store, run.id))!;
}

function checkResumable(run: EvalRun, dataset: EvalDataset, judges: readonly Judge[]): void {
  if (dataset.contentHash !== run.dataset.contentHash) {
    throw new ConflictError(
      `eval run ${run.id} used dataset ${run.dataset.name} at ${run.dataset.contentHash.slice(0, 12)}; ${dataset.path} is now ${dataset.contentHash.slice(0, 12)}. Start a new run.`,
    );
  }
  const want = JSON.stringify(run.judges);
  const have = JSON.stringify(judges.map(runJudgeOf));
  if (want !== have) {
    throw new ConflictError(
      `eval run ${run.id} was started with judges ${run.judges.map((j) => `${j.name}@${j.version}`).join(', ')}; these differ (${judges.map((j) => `${j.name}@${j.version}`).join(', ')}). Start a new run.`,
    );
  }
}

/** One row through the chain and the judges; undefined when aborted before it was complete. */
async function scoreRow(
  options: RunEvalOptions & { version: ChainVersion; row: EvalRow; seq: number },
): Promise<EvalRunRow | undefined> {
  const { row, run } = options;
  const abortSignal = options.abortSignal;
  const outcome: ChainOutcome = await options.host.answer({
    version: options.version,
    ...(row.messages ? { messages: row.messages } : { question: evalRowQuestion(row) }),
    timeoutMs: options.timeoutMs ?? 60_000,
    ...(abortSignal && { abortSignal }),
  });
  if (!outcome.ok && outcome.failure.code === 'aborted') return undefined;
  const base = {
    runId: run.id,
    rowId: row.id,
    seq: options.seq,
    tags: row.tags ?? [],
    question: evalRowQuestion(row),
    createdAt: new Date().toISOString(),
  };
  if (!outcome.ok) {
    return {
      ...base,
      status: 'error',
      answer: null,
      retrieved: [],
      scores: {},
      error: { code: outcome.failure.code, message: outcome.failure.message },
      latency: { totalMs: outcome.latencyMs, retrievalMs: null, generationMs: null, judgeMs: 0 },
      tokens: { in: null, out: null, judgeIn: 0, judgeOut: 0 },
      costUsd: null,
    };
  }
  const a = outcome.answer;
  const item: JudgeItem = {
    question: base.question,
    answer: a.answer,
    contexts: a.contexts.map((c) => ({ n: c.n, documentId: c.documentId, chunkId: c.chunkId, text: c.text })),
    ...(row.reference_answer !== undefined && { referenceAnswer: row.reference_answer }),
    ...(row.reference_doc_ids !== undefined && { referenceDocIds: row.reference_doc_ids }),
  };
  const judged = await judgeItem(item, options.judges, run.repeats, abortSignal);
  if (judged === undefined) return undefined;
  return {
    ...base,
    status: 'ok',
    answer: a.answer,
    retrieved: a.contexts.map((c) => ({ n: c.n, chunkId: c.chunkId, documentId: c.documentId, score: c.score })),
    scores: judged.scores,
    error: null,
    latency: {
      totalMs: a.latency.totalMs,
      retrievalMs: a.latency.retrievalMs,
      generationMs: a.latency.generationMs,
      judgeMs: judged.ms,
    },
    tokens: {
      in: a.usage.inputTokens,
      out: a.usage.outputTokens,
      judgeIn: judged.tokensIn,
      judgeOut: judged.tokensOut,
    },
    costUsd: a.costUsd ?? null,
  };
}

/** Every judge on one item, `repeats` times each, concurrently; undefined when aborted. */
async function judgeItem(item: JudgeItem, judges: readonly Judge[], repeats: number, abortSignal?: AbortSignal) {
  const started = performance.now();
  let tokensIn = 0;
  let tokensOut = 0;
  const entries = await Promise.all(
    judges.map(async (judge): Promise<[string, RowScore]> => {
      if (!judge.applies(item)) return [judge.name, { score: null, verdicts: [], skipped: true }];
      const verdicts: RowScore['verdicts'] = [];
      for (let r = 0; r < repeats; r++) {
        // `repeat` gives each repeat its own verdict-cache entry (else repeats 2…N read repeat 1's verdict).
        const v = await judge.judge(item, { ...(abortSignal ? { abortSignal } : {}), repeat: r });
        if (v.ok) {
          tokensIn += v.usage?.inputTokens ?? 0;
          tokensOut += v.usage?.outputTokens ?? 0;
          const { usage: _usage, ...kept } = v;
          verdicts.push(kept);
        } else verdicts.push(v);
      }
      const ok = verdicts.flatMap((v) => (v.ok ? [v.score] : []));
      return [judge.name, { score: ok.length ? ok.reduce((x, y) => x + y, 0) / ok.length : null, verdicts }];
    }),
  ).catch((error: unknown) => {
    // Judges reject only on abort (their contract); anything else is a bug worth surfacing.
    if (abortSignal?.aborted) return undefined;
    throw error;
  });
  if (entries === undefined) return undefined;
  return { scores: Object.fromEntries(entries), ms: performance.now() - started, tokensIn, tokensOut };
}
