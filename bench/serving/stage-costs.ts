import {
  authenticate,
  findEndpoint,
  insertInferenceRows,
  LOCAL_ADMIN_PRINCIPAL,
  mayUseEndpoint,
  openMetadataStore,
  readPrincipal,
  resolveModelUri,
} from '@ragops/core';
import {
  createEmbedder,
  embedMany,
  generate,
  getIndexBuild,
  loadChain,
  queryIndex,
  type RetrievalMode,
} from '@ragops/rag';
import { Hono } from 'hono';
import { createApp } from '../../apps/server/src/app.ts';
import { loadConfig } from '../../apps/server/src/config.ts';
import { createLifecycle } from '../../apps/server/src/lifecycle.ts';
import { createServerLogger } from '../../apps/server/src/logger.ts';
import { buildInferenceRow } from '../../apps/server/src/serving/inference-row-builder.ts';
import { chatCompletion } from '../../apps/server/src/serving/openai-format.ts';
import { loadServingConfig } from '../../apps/server/src/serving/serving-config.ts';
import { chatCompletionRequestSchema } from '../../apps/server/src/serving/serving-request-schemas.ts';
import { BENCH_ENDPOINT, BENCH_INDEX, BENCH_MODEL, type BenchWorkspace } from './bench-workspace.ts';
import { InstantLanguageModel } from './instant-language-model.ts';

export type StageCost = { stage: string; perRequest: string; medianUs: number; meanUs: number; n: number };

/** Times `fn` serially (after a warm-up) for about `budgetMs`; median and mean in µs per call. */
async function time(
  fn: (i: number) => unknown,
  budgetMs: number,
): Promise<{ medianUs: number; meanUs: number; n: number }> {
  for (let i = 0; i < 30; i++) await fn(i);
  const samples: number[] = [];
  const end = performance.now() + budgetMs;
  for (let i = 0; performance.now() < end || samples.length < 20; i++) {
    const t = performance.now();
    await fn(i);
    samples.push((performance.now() - t) * 1000);
  }
  samples.sort((a, b) => a - b);
  const meanUs = samples.reduce((s, x) => s + x, 0) / samples.length;
  return { medianUs: samples[Math.floor(samples.length / 2)]!, meanUs, n: samples.length };
}

/**
 * Where one request's time goes, measured serially in this process with nothing else running in it
 * (no HTTP, no contention): each stage of the chat path through the same public functions the
 * server calls, then the whole path through `app.fetch` next to a bare Hono route.
 * `perRequest` says whether the server pays a stage on every request or once per cache period.
 */
export async function measureStageCosts(ws: BenchWorkspace, budgetMs = 400): Promise<StageCost[]> {
  const out: StageCost[] = [];
  const add = async (stage: string, perRequest: string, fn: (i: number) => unknown) => {
    out.push({ stage, perRequest, ...(await time(fn, budgetMs)) });
  };
  const q = (i: number) => ws.questions[i % ws.questions.length]!;
  const store = await openMetadataStore(ws.metadataUrl);
  try {
    const admin = await readPrincipal(store, LOCAL_ADMIN_PRINCIPAL);
    const body = (i: number) => JSON.stringify({ model: BENCH_ENDPOINT, messages: [{ role: 'user', content: q(i) }] });

    await add('auth: token → principal (SQLite)', 'every request', () => authenticate(store, ws.token));
    await add('body: JSON.parse + zod schema', 'every request', (i) =>
      chatCompletionRequestSchema.parse(JSON.parse(body(i))),
    );
    const endpoint = (await findEndpoint(store, BENCH_ENDPOINT))!;
    await add('endpoint lookup (SQLite)', 'once per staleness period (1 s)', () => findEndpoint(store, BENCH_ENDPOINT));
    await add('EXECUTE check (SQLite)', 'once per staleness period (1 s)', () =>
      mayUseEndpoint({ store, actor: admin, endpoint, privilege: 'EXECUTE' }),
    );
    await add('alias → version (SQLite)', 'once per staleness period (1 s)', () =>
      resolveModelUri({ store, actor: admin, uri: `models:/${BENCH_MODEL}@champion` }),
    );

    const version = ws.build.version;
    await add('retrieval: read + zod-parse build record JSON', 'once per version (query-index.ts cachedBuild)', () =>
      getIndexBuild(ws.home, BENCH_INDEX, version),
    );
    await add(
      'retrieval: create hash embedder + embed query',
      'embed every request; embedder made once per chain',
      (i) => embedMany({ embedder: createEmbedder(ws.build.embedder, {}), values: [q(i)] }),
    );
    for (const mode of ['vector', 'fts', 'hybrid'] as RetrievalMode[]) {
      await add(`retrieval: queryIndex ${mode} k=5`, mode === 'hybrid' ? 'every request' : 'for comparison', (i) =>
        queryIndex({ home: ws.home, name: BENCH_INDEX, version, text: q(i), k: 5, mode }),
      );
    }

    const v = await resolveModelUri({ store, actor: admin, uri: `models:/${BENCH_MODEL}@champion` });
    const instant = new InstantLanguageModel('instant-v1');
    const chain = await loadChain({
      modelName: v.fullName,
      version: v.version,
      package: v.package,
      home: ws.home,
      resolveModel: () => instant,
    });
    const answer = await chain.invoke({ messages: [{ role: 'user', content: q(0) }] });
    await add('LLM: generate() with the instant model', 'every request', () =>
      generate({
        model: [instant],
        messages: [{ role: 'user', content: answer.contexts.map((c) => c.text).join('\n') }],
      }),
    );
    await add('chain.invoke (retrieval + prompt + LLM + citations)', 'every request', (i) =>
      chain.invoke({ messages: [{ role: 'user', content: q(i) }] }),
    );
    const meta = {
      endpoint: BENCH_ENDPOINT,
      arm: { entity: endpoint.config.served[0]!, assignment: 'single' } as never,
      modelUri: `models:/${BENCH_MODEL}@champion`,
      resolved: { modelName: v.fullName, version: v.version, package: v.package },
    };
    await add('response: chatCompletion() + JSON.stringify', 'every request', () =>
      JSON.stringify(chatCompletion('req-1', meta, answer)),
    );
    const outcome = {
      requestId: 'r',
      startedAt: new Date(),
      endpoint: BENCH_ENDPOINT,
      trafficArm: 'live' as const,
      answer,
      stream: false,
      messages: [{ role: 'user' as const, content: q(0) }],
      latencyTotalMs: 1,
    };
    const policy = loadServingConfig({}).inference;
    await add('inference row: build', 'every request', () => buildInferenceRow(outcome, policy, Math.random));
    let n = 0;
    const batch = Array.from({ length: 500 }, () => buildInferenceRow(outcome, policy, Math.random));
    const insert = await time(async () => {
      for (const row of batch) row.requestId = `stage-${n++}`;
      await store.transaction((tx) => insertInferenceRows(tx, batch));
    }, budgetMs * 2);
    out.push({
      stage: 'inference flush: 500 rows, one transaction',
      perRequest: 'the server writes 50-row slices on a writer thread (bench:serving-overhead)',
      ...insert,
    });
    out.push({
      stage: 'inference row: insert (batch of 500, per row)',
      perRequest: 'every request, off the request path',
      medianUs: insert.medianUs / 500,
      meanUs: insert.meanUs / 500,
      n: insert.n * 500,
    });
    await store.run('DELETE FROM inference_rows WHERE request_id LIKE ?', ['stage-%']);

    // The whole path in-process (no sockets): ragops app vs a bare Hono route, same body.
    const config = loadConfig({ RAGOPS_HOME: ws.home, RAGOPS_METADATA_URL: ws.metadataUrl, RAGOPS_LOG_LEVEL: 'info' });
    const lifecycle = createLifecycle();
    const sink = { write: () => true } as never;
    const app = createApp({
      store,
      config,
      logger: createServerLogger(config, sink),
      lifecycle,
      serving: {
        config: loadServingConfig({}),
        customProviders: { instant: (id) => new InstantLanguageModel(id) },
      },
    });
    const bare = new Hono();
    bare.post('/v1/chat/completions', async (c) => c.json({ ...(await c.req.json()), padding: 'x'.repeat(6000) }));
    const request = (i: number) =>
      new Request('http://bench/v1/chat/completions', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ws.token}`,
          'content-type': 'application/json',
          'x-request-id': `stage-app-${i}`,
        },
        body: body(i),
      });
    await add('whole path in-process: bare Hono app.fetch', 'baseline', async (i) =>
      (await bare.fetch(request(i))).text(),
    );
    await add('whole path in-process: ragops app.fetch', 'every request', async (i) => {
      const res = await app.fetch(request(i));
      if (res.status !== 200) throw new Error(`ragops app answered ${res.status}: ${await res.text()}`);
      return res.text();
    });
    // The platform around the chain, paired on the same question so retrieval's variance cancels:
    // app.fetch(question i) − chain.invoke(question i), i.e. everything but retrieval, prompt and LLM.
    const diffs: number[] = [];
    const end = performance.now() + budgetMs * 4;
    const viaChain = async (i: number) => {
      const t = performance.now();
      await chain.invoke({ messages: [{ role: 'user', content: q(i) }] });
      return performance.now() - t;
    };
    const viaApp = async (i: number) => {
      const t = performance.now();
      await (await app.fetch(request(1_000_000 + i))).text();
      return performance.now() - t;
    };
    for (let i = 0; performance.now() < end || diffs.length < 20; i++) {
      // Alternate the order so cache warmth and GC debt do not favour one side.
      let whole: number;
      let chainOnly: number;
      if (i % 2 === 0) {
        whole = await viaApp(i);
        chainOnly = await viaChain(i);
      } else {
        chainOnly = await viaChain(i);
        whole = await viaApp(i);
      }
      diffs.push((whole - chainOnly) * 1000);
    }
    diffs.sort((a, b) => a - b);
    out.push({
      stage: 'platform around the chain: app.fetch − chain.invoke, paired',
      perRequest: 'every request',
      medianUs: diffs[Math.floor(diffs.length / 2)]!,
      meanUs: diffs.reduce((a, b) => a + b, 0) / diffs.length,
      n: diffs.length,
    });
    await lifecycle.shutdown();
    await store.run('DELETE FROM inference_rows WHERE request_id LIKE ?', ['stage-%']);
  } finally {
    await store.close();
  }
  return out;
}
