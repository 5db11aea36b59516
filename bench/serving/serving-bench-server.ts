/**
 * Child process of bench/serving.ts, so the load generator never shares the server's event loop.
 * Serves, on 127.0.0.1:0, either
 * - `ragops`: the real app (`createApp`, as apps/server/src/server.ts builds it, with the default
 *   serving config from an empty environment: inference batch 500, flush 200 ms, full content) plus
 *   the bench-only `instant` LLM (bench-serving-options.ts), logging JSON at `logLevel` (default
 *   info, as in production) to a file in RAGOPS_HOME (the same server as RAGOPS_WORKERS=2 workers:
 *   serving-bench-workers.ts); or
 * - `bare`: a bare Hono app whose `POST /v1/chat/completions` parses the JSON body and answers a
 *   fixed chat completion of about the same size as the real one (the baseline);
 * - `retrieval`: the same bare route plus only the inherent work, the same hybrid k=5 retrieval
 *   (`queryIndex` on the pinned bench index, in memory) of the question (what the platform costs on
 *   top of it is ragops / this);
 * - `llm`: the repo's OpenAI-protocol test server (`@ragops/rag/test`), answering at once: the
 *   upstream of the `openai-compatible` provider of the `bench-http` endpoint (BENCH_LLM_URL).
 * With BENCH_CPU_PROFILE=<file>, SIGUSR2 starts the V8 CPU profiler (after the caller's warm-up)
 * and SIGTERM writes the profile to <file> before shutting down.
 * Prints `{"url": …}` once listening; on SIGTERM stops like server.ts (stop accepting, finish
 * in-flight requests, run shutdown hooks: the inference-log flush), prints `{"stopped": …}`, exits 0.
 *
 *   node bench/serving/serving-bench-server.ts bare
 *   node bench/serving/serving-bench-server.ts retrieval <RAGOPS_HOME> - - <size> <index version>
 *   node bench/serving/serving-bench-server.ts llm
 *   node bench/serving/serving-bench-server.ts ragops <RAGOPS_HOME> <metadata URL> [logLevel]
 */
import { createWriteStream, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { openMetadataStore } from '@ragops/core';
import { queryIndex } from '@ragops/rag';
import { startOpenAIProtocolServer } from '@ragops/rag/test';
import { Hono } from 'hono';
import { createApp } from '../../apps/server/src/app.ts';
import { batchedLogDestination } from '../../apps/server/src/batched-log-destination.ts';
import { loadConfig } from '../../apps/server/src/config.ts';
import { createLifecycle } from '../../apps/server/src/lifecycle.ts';
import { createServerLogger } from '../../apps/server/src/logger.ts';
import { benchServingOptions } from './bench-serving-options.ts';
import { BENCH_INDEX } from './bench-workspace.ts';

/** Sized like the real answer to a bench question (5 contexts with text, citations, usage). */
export function bareCompletionBody(size: number): Record<string, unknown> {
  return {
    id: 'chatcmpl-bare',
    object: 'chat.completion',
    created: 0,
    model: 'bench',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Instant answer [1].' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 100, completion_tokens: 4, total_tokens: 104 },
    padding: 'x'.repeat(Math.max(0, size - 260)),
  };
}

const [mode, home, metadataUrl, logLevel = 'info', bareSize = '6000', indexVersion] = process.argv.slice(2);
let server: Server;
let shutdown: () => Promise<void> = async () => {};

if (mode === 'bare') {
  const app = new Hono();
  const body = bareCompletionBody(Number(bareSize));
  app.post('/v1/chat/completions', async (c) => {
    await c.req.json(); // parse the body like the real route does
    return c.json(body);
  });
  server = await listen(app.fetch);
} else if (mode === 'retrieval' && home && indexVersion) {
  const app = new Hono();
  const body = bareCompletionBody(Number(bareSize));
  app.post('/v1/chat/completions', async (c) => {
    const request = (await c.req.json()) as { messages: { content: string }[] };
    const text = request.messages.at(-1)!.content;
    const { hits } = await queryIndex({ home, name: BENCH_INDEX, version: Number(indexVersion), text, k: 5 });
    return c.json({ ...body, contexts: hits.length });
  });
  server = await listen(app.fetch);
} else if (mode === 'llm') {
  const upstream = await startOpenAIProtocolServer({ answer: () => 'Instant answer [1].' });
  upstream.requests.length = 0;
  // It records every request; the bench sends tens of thousands, so drop them as they come.
  const drain = setInterval(() => {
    upstream.requests.length = 0;
  }, 1000);
  process.stdout.write(`${JSON.stringify({ url: upstream.baseURL })}\n`);
  shutdown = async () => {
    clearInterval(drain);
    await upstream.close();
  };
  server = { close: (cb: () => void) => cb(), closeIdleConnections: () => {} } as unknown as Server;
} else if (mode === 'ragops' && home && metadataUrl) {
  const config = loadConfig({ RAGOPS_HOME: home, RAGOPS_METADATA_URL: metadataUrl, RAGOPS_LOG_LEVEL: logLevel });
  const store = await openMetadataStore(config.metadataUrl);
  const lifecycle = createLifecycle();
  const log = createWriteStream(join(home, 'server.log'));
  const app = createApp({
    store,
    config,
    // As in production (stdout): one write per event-loop turn, not one per line.
    logger: createServerLogger(config, batchedLogDestination(log)),
    lifecycle,
    serving: benchServingOptions(),
  });
  server = await listen(app.fetch);
  shutdown = async () => {
    await lifecycle.shutdown();
    await store.close();
    await new Promise((r) => log.end(r));
  };
} else {
  process.stderr.write(
    'usage: serving-bench-server.ts bare | retrieval <home> - - <size> <version> | llm | ragops <home> <metadataUrl> [logLevel]\n',
  );
  process.exit(2);
}

const profileFile = process.env.BENCH_CPU_PROFILE;
let profiler: Session | undefined;
if (profileFile) {
  process.once('SIGUSR2', async () => {
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    profiler = session;
    process.stdout.write(`${JSON.stringify({ profiling: true })}\n`);
  });
}

process.once('SIGTERM', async () => {
  const started = performance.now();
  if (profiler && profileFile) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(profileFile, JSON.stringify(profile));
  }
  server.close(async () => {
    await shutdown();
    process.stdout.write(`${JSON.stringify({ stopped: true, shutdownMs: performance.now() - started })}\n`);
    process.exit(0);
  });
  server.closeIdleConnections();
});

function listen(fetch: (request: Request) => Response | Promise<Response>): Promise<Server> {
  return new Promise((resolve) => {
    const s = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${info.port}` })}\n`);
      resolve(s as Server);
    });
  });
}
