import { join } from 'node:path';
import { createRoute, z } from '@hono/zod-openapi';
import { InvalidInputError, RagopsError, resolveModelUri } from '@ragops/core';
import {
  createEvalRun,
  createJudges,
  type EvalRun,
  evalDatasetPath,
  getEvalRun,
  judgeModelSchema,
  listEvalRunRows,
  listEvalRuns,
  loadEvalDataset,
  resolveJudgeModel,
  runEval,
  StoreVerdictCache,
} from '@ragops/evals';
import type { ChainHost } from '@ragops/rag';
import type { AppContext, RagopsApp } from '../app-context.ts';
import { API_BASE } from './api-base.ts';
import {
  BEARER,
  COMMON_ERRORS,
  jsonBody,
  jsonResponse,
  pageQuery,
  readContext,
  serviceContext,
} from './route-helpers.ts';

const tags = ['eval runs'];

// The stored shapes are zod-checked where they are read (the evals store); documented loosely here.
const EvalRunSchema = z
  .object({
    id: z.string(),
    modelUri: z.string(),
    versionUri: z.string(),
    status: z.enum(['running', 'interrupted', 'completed', 'failed']),
    rowsTotal: z.number().int(),
    rowsDone: z.number().int(),
  })
  .loose()
  .openapi('EvalRun');
const EvalRunRowSchema = z
  .object({ rowId: z.string(), status: z.enum(['ok', 'error']), scores: z.record(z.string(), z.unknown()) })
  .loose()
  .openapi('EvalRunRow');
const idParams = z.strictObject({
  id: z
    .string()
    .regex(/^er_[0-9a-f]{12}$/, 'eval run ids look like er_0123456789ab')
    .openapi({ example: 'er_0123456789ab' }),
});

const newRunSchema = z
  .strictObject({
    model: z.string().min(1).max(500).openapi({ example: 'models:/dev.quickstart.docs_qa@champion' }),
    dataset: z
      .string()
      .min(1)
      .max(100)
      .openapi({ example: 'docs-qa', description: 'evals/<name>.jsonl on the server' }),
    judges: z.array(z.string().min(1).max(100)).min(1).max(50).default(['offline']),
    judgeModel: judgeModelSchema
      .optional()
      .openapi({ example: 'vllm/llama-3.1-8b', description: 'provider/model of LLM judges (a configured provider)' }),
    repeats: z.number().int().min(1).max(10).default(1),
    limit: z.number().int().min(1).max(1_000_000).optional(),
    concurrency: z.number().int().min(1).max(64).default(4),
  })
  .openapi('NewEvalRun');

const list = createRoute({
  method: 'get',
  path: `${API_BASE}/eval-runs`,
  tags,
  summary: 'Eval runs, newest first, on models the caller may READ',
  security: BEARER,
  request: {
    query: pageQuery.extend({
      model: z.string().min(1).max(500).optional().openapi({ description: 'only runs of catalog.schema.model' }),
    }),
  },
  responses: {
    200: jsonResponse(
      'runs',
      z.object({ items: z.array(EvalRunSchema), nextPageToken: z.string().optional() }).openapi('EvalRunPage'),
    ),
    ...COMMON_ERRORS,
  },
});

const create = createRoute({
  method: 'post',
  path: `${API_BASE}/eval-runs`,
  tags,
  summary: 'Start an eval run of a model version on a server-side dataset (needs EXECUTE on the model)',
  description:
    'The run is created (its version pinned, its dataset hash and judges recorded) and runs in the background; poll GET /eval-runs/{id}. A server shutdown leaves it `interrupted`, resumable with `ragops eval resume`.',
  security: BEARER,
  request: { body: jsonBody(newRunSchema) },
  responses: { 202: jsonResponse('the run, started', EvalRunSchema), ...COMMON_ERRORS },
});

const get = createRoute({
  method: 'get',
  path: `${API_BASE}/eval-runs/{id}`,
  tags,
  summary: 'An eval run with its aggregates (metrics with 95% intervals, per tag); needs READ on the model',
  security: BEARER,
  request: { params: idParams },
  responses: { 200: jsonResponse('the run', EvalRunSchema), ...COMMON_ERRORS },
});

const rows = createRoute({
  method: 'get',
  path: `${API_BASE}/eval-runs/{id}/rows`,
  tags,
  summary: "An eval run's scored rows in dataset order (answer, retrieved chunks, verdicts); needs READ",
  security: BEARER,
  request: { params: idParams, query: pageQuery },
  responses: {
    200: jsonResponse(
      'rows',
      z.object({ items: z.array(EvalRunRowSchema), nextPageToken: z.string().optional() }).openapi('EvalRunRowPage'),
    ),
    ...COMMON_ERRORS,
  },
});

/** Eval runs over REST; runs execute on `host` (the serving runtime's), datasets come from `datasetsDir`. */
export function registerEvalRunRoutes(
  app: RagopsApp,
  ctx: AppContext,
  deps: { host: ChainHost; datasetsDir?: string },
): void {
  const datasetsDir = deps.datasetsDir ?? join(process.cwd(), 'evals');
  const inFlight = new Map<string, { controller: AbortController; done: Promise<EvalRun | undefined> }>();
  ctx.onShutdown(async () => {
    for (const r of inFlight.values()) r.controller.abort();
    await Promise.all([...inFlight.values()].map((r) => r.done));
  });

  app.openapi(list, async (c) => {
    const { model, ...page } = c.req.valid('query');
    return c.json(await listEvalRuns({ ...readContext(c, ctx), ...page, ...(model && { model }) }), 200);
  });

  app.openapi(create, async (c) => {
    const body = c.req.valid('json');
    const dataset = await loadEvalDataset(evalDatasetPath(datasetsDir, body.dataset));
    // EXECUTE first: the caller learns nothing about a model it may not run (createEvalRun checks again).
    const version = await resolveModelUri({ ...readContext(c, ctx), uri: body.model, privilege: 'EXECUTE' });
    const llm =
      body.judgeModel === undefined ? undefined : resolveJudgeModel(deps.host, body.judgeModel, 'body.judgeModel');
    const judges = judgesOf({
      names: body.judges,
      k: version.package.chain.retriever.k,
      cache: new StoreVerdictCache(ctx.store),
      ...(llm && { llm }),
    });
    const run = await createEvalRun({
      ...serviceContext(c, ctx),
      modelUri: body.model,
      dataset,
      judges,
      repeats: body.repeats,
      ...(body.limit !== undefined && { limit: body.limit }),
    });
    const controller = new AbortController();
    const logger = c.get('logger');
    const done = runEval({
      host: deps.host,
      store: ctx.store,
      run,
      dataset,
      judges,
      concurrency: body.concurrency,
      abortSignal: controller.signal,
    })
      .catch((error: unknown) => {
        logger.error({ err: error, runId: run.id }, 'eval run failed');
        return undefined;
      })
      .finally(() => inFlight.delete(run.id));
    inFlight.set(run.id, { controller, done });
    return c.json(run, 202);
  });

  app.openapi(get, async (c) => c.json(await getEvalRun({ ...readContext(c, ctx), id: c.req.valid('param').id }), 200));

  app.openapi(rows, async (c) => {
    const { run: _run, ...page } = await listEvalRunRows({
      ...readContext(c, ctx),
      id: c.req.valid('param').id,
      ...c.req.valid('query'),
    });
    return c.json(page, 200);
  });
}

/** An LLM judge asked for without a judge model is the request's fault here: 400 naming the field. */
function judgesOf(spec: Parameters<typeof createJudges>[0]): ReturnType<typeof createJudges> {
  try {
    return createJudges(spec);
  } catch (error) {
    if (RagopsError.isInstance(error) && error.code === 'config_error') {
      throw new InvalidInputError(`body.judges: ${error.message} (name it in body.judgeModel)`, { cause: error });
    }
    throw error;
  }
}
