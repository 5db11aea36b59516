import { canonicalJson, sha256Hex } from '@ragops/core';
import type { ChainHost, Embedder, LanguageModel } from '@ragops/rag';
import { type EvalRow, evalRowQuestion } from '../datasets/eval-row.ts';
import type { EvalDataset } from '../datasets/load-eval-dataset.ts';
import { aggregateRun } from '../runs/aggregate-run.ts';
import type { EvalRun, EvalRunRow, RowScore, RunJudge } from '../runs/eval-run-schemas.ts';
import { allRunRows, createEvalRun, type EvalContext } from '../runs/eval-run-service.ts';
import { findRun, insertRunRow, updateRun } from '../store/eval-run-store.ts';
import { guardOutboundFetch, promptfooEnv } from './outbound-guard.ts';
import type { PromptfooAssertion, PromptfooConfig } from './promptfoo-config.ts';
import { type ChainCallMetadata, chainProvider, languageModelProvider } from './promptfoo-provider.ts';

/** The promptfoo version the bridge is written and measured against (package.json pins it). */
export const PROMPTFOO_VERSION = '0.123.1';

// Assertions graded by a model (promptfoo's grading provider); all others are deterministic.
const MODEL_GRADED = new Set([
  'llm-rubric',
  'g-eval',
  'factuality',
  'model-graded-closedqa',
  'answer-relevance',
  'context-faithfulness',
  'context-recall',
  'context-relevance',
  'select-best',
  'search-rubric',
]);
const CONTEXT_ASSERTIONS = new Set(['context-faithfulness', 'context-recall', 'context-relevance']);

/** Each assertion as a judge of the run: `promptfoo:<type>` (or its metric), versioned by its content. */
export function promptfooJudges(config: PromptfooConfig, graderName: string | undefined): RunJudge[] {
  const seen = new Map<string, number>();
  return (config.defaultTest?.assert ?? []).map((a) => {
    const base = a.metric ?? `promptfoo:${a.type}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const graded = MODEL_GRADED.has(a.type);
    return {
      name: n === 1 ? base : `${base}#${n}`,
      kind: graded ? 'llm' : 'heuristic',
      version: `promptfoo@${PROMPTFOO_VERSION}:${sha256Hex(canonicalJson(a)).slice(0, 12)}`,
      ...(graded && graderName && { model: graderName }),
    };
  });
}

/** Context assertions read the chain's retrieved passages unless the config says otherwise. */
function withContext(a: PromptfooAssertion): PromptfooAssertion {
  return CONTEXT_ASSERTIONS.has(a.type) && !a.contextTransform
    ? { ...a, contextTransform: 'context.metadata.context' }
    : a;
}

function varsOf(row: EvalRow, extra: Record<string, string> | undefined): Record<string, string> {
  return {
    ...extra,
    question: evalRowQuestion(row),
    // promptfoo's context-* and answer-relevance assertions read the question as `query`.
    query: evalRowQuestion(row),
    reference_answer: row.reference_answer ?? '',
    reference_doc_ids: (row.reference_doc_ids ?? []).join(','),
    tags: (row.tags ?? []).join(','),
  };
}

export type PromptfooEvalOptions = EvalContext & {
  host: ChainHost;
  modelUri: string;
  dataset: EvalDataset;
  config: PromptfooConfig;
  /** RAGOPS_HOME: promptfoo's config and cache go to `<home>/promptfoo`. */
  home: string;
  /** The grading model for model-graded assertions (else the config's `defaultTest.options.provider`). */
  grader?: LanguageModel;
  /** Embeddings for `answer-relevance` through the grader. */
  embedder?: Embedder;
  limit?: number;
  concurrency?: number;
  timeoutMs?: number;
  abortSignal?: AbortSignal;
};

type PromptfooResult = {
  testIdx: number;
  error?: string | null;
  latencyMs: number;
  response?: { output?: unknown; error?: string; metadata?: Record<string, unknown> };
  gradingResult?: {
    componentResults?: { score: number; pass: boolean; reason: string; assertion?: { type?: string } }[];
  } | null;
};

/**
 * Runs promptfoo as a library on a dataset with the model version as its provider, and stores the
 * result as an eval run (the same tables as `runEval`, so `eval show` and `eval compare` read it):
 * per row the answer, the retrieved chunks, every assertion's score and reason. Needs EXECUTE on
 * the model (createEvalRun). promptfoo is imported here only, after its offline environment is
 * set; every outside fetch during the run is refused (`guardOutboundFetch`). A bridge run is not
 * resumable: it completes or is `failed`.
 * @example
 * const run = await runPromptfooEval({ ...ctx, host, modelUri, dataset, config, home, grader });
 */
export async function runPromptfooEval(o: PromptfooEvalOptions): Promise<EvalRun> {
  const graderName = o.grader ? `${o.grader.provider}/${o.grader.modelId}` : undefined;
  const judges = promptfooJudges(o.config, graderName);
  const run = await createEvalRun({ ...o, judges, ...(o.limit !== undefined && { limit: o.limit }) });
  const version = await o.host.resolveVersion(run.versionUri);
  const rows = o.dataset.rows.slice(0, run.rowsTotal);
  const guard = guardOutboundFetch();
  try {
    Object.assign(process.env, promptfooEnv(o.home));
    const promptfoo = (await import('promptfoo')).default;
    const signal = o.abortSignal ? { abortSignal: o.abortSignal } : {};
    const grading = o.grader
      ? { provider: languageModelProvider({ model: o.grader, ...(o.embedder && { embedder: o.embedder }), ...signal }) }
      : {};
    const record = await promptfoo.evaluate(
      {
        ...(o.config.description && { description: o.config.description }),
        prompts: o.config.prompts ?? ['{{question}}'],
        providers: [
          chainProvider({
            host: o.host,
            target: { version },
            ...(o.timeoutMs && { timeoutMs: o.timeoutMs }),
            ...signal,
          }),
        ],
        defaultTest: {
          assert: (o.config.defaultTest?.assert ?? []).map(withContext),
          options: { ...o.config.defaultTest?.options, ...grading },
        },
        tests: rows.map((row) => ({ description: row.id, vars: varsOf(row, o.config.defaultTest?.vars) })),
        // biome-ignore lint/suspicious/noExplicitAny: promptfoo's TestSuite type is wider than the part we build.
      } as any,
      {
        maxConcurrency: o.concurrency ?? o.config.evaluateOptions?.maxConcurrency ?? 4,
        cache: o.config.evaluateOptions?.cache ?? true,
        showProgressBar: false,
        ...signal,
      },
    );
    const summary = (await record.toEvaluateSummary()) as { results: PromptfooResult[] };
    for (const result of summary.results) {
      const row = rows[result.testIdx];
      if (row) await insertRunRow(o.store, rowOf({ run, row, seq: o.dataset.rows.indexOf(row), judges, result }));
    }
    const aggregates = aggregateRun(run.judges, await allRunRows(o.store, run.id));
    await updateRun(o.store, run.id, { status: 'completed', aggregates, finished: true });
  } catch (error) {
    await updateRun(o.store, run.id, {
      status: 'failed',
      error: error instanceof Error ? error.message : String(error),
    });
    throw error;
  } finally {
    // promptfoo's last telemetry post is sent without being awaited: let it reach the guard first.
    await new Promise((resolve) => setTimeout(resolve, 50));
    guard.release();
  }
  return (await findRun(o.store, run.id))!;
}

function rowOf(input: {
  run: EvalRun;
  row: EvalRow;
  seq: number;
  judges: readonly RunJudge[];
  result: PromptfooResult;
}): EvalRunRow {
  const { run, row, result } = input;
  const base = {
    runId: run.id,
    rowId: row.id,
    seq: input.seq,
    tags: row.tags ?? [],
    question: evalRowQuestion(row),
    createdAt: new Date().toISOString(),
  };
  // A row fails only when the chain gave no answer; an assertion that errs is that judge's error.
  const failed =
    result.response?.output === undefined ? (result.response?.error ?? result.error ?? 'no answer') : undefined;
  if (failed) {
    const [code, ...rest] = failed.split(': ');
    return {
      ...base,
      status: 'error',
      answer: null,
      retrieved: [],
      scores: {},
      error: rest.length ? { code: code!, message: rest.join(': ') } : { code: 'provider_error', message: failed },
      latency: { totalMs: result.latencyMs, retrievalMs: null, generationMs: null, judgeMs: 0 },
      tokens: { in: null, out: null, judgeIn: 0, judgeOut: 0 },
      costUsd: null,
    };
  }
  const meta = result.response?.metadata?.ragops as ChainCallMetadata | undefined;
  const components = result.gradingResult?.componentResults ?? [];
  const scores: Record<string, RowScore> = {};
  input.judges.forEach((judge, i) => {
    const c = components[i];
    scores[judge.name] = c
      ? { score: c.score, verdicts: [{ ok: true, score: c.score, rationale: c.reason, raw: { pass: c.pass } }] }
      : { score: null, verdicts: [{ ok: false, error: result.error ?? 'no result from promptfoo' }] };
  });
  const totalMs = meta?.latency.totalMs ?? result.latencyMs;
  return {
    ...base,
    status: 'ok',
    answer:
      typeof result.response?.output === 'string' ? result.response.output : JSON.stringify(result.response?.output),
    retrieved: meta?.retrieved ?? [],
    scores,
    error: null,
    latency: {
      totalMs,
      retrievalMs: meta?.latency.retrievalMs ?? null,
      generationMs: meta?.latency.generationMs ?? null,
      judgeMs: Math.max(0, result.latencyMs - totalMs),
    },
    tokens: { in: meta?.tokens.in ?? null, out: meta?.tokens.out ?? null, judgeIn: 0, judgeOut: 0 },
    costUsd: meta?.costUsd ?? null,
  };
}
