// Shared setup of the console tests: the eval fixture (real LanceDB index, real store, a version of
// dev.qs.docs_qa), one completed eval run with offline judges, the real app listening on 127.0.0.1
// (a browser needs a socket), a reader with READ on dev.qs and an outsider with no grants.
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createEvalRun, createJudges, type EvalRun, loadEvalDataset, runEval } from '@ragops/evals';
import { createChainHost } from '@ragops/rag';
import { createApp } from '../apps/server/src/app.ts';
import type { RagopsApp } from '../apps/server/src/app-context.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import { createLifecycle } from '../apps/server/src/lifecycle.ts';
import { createServerLogger } from '../apps/server/src/logger.ts';
import { EVAL_MODEL, type EvalFixture, startEvalFixture } from './eval-fixture.ts';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Whether the browser tests run: they need Debian's Chromium. Absent and RAGOPS_TEST_REQUIRE_SERVICES
 * unset: skipped with a message; absent and it set (CI): a failure.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.RAGOPS_TEST_REQUIRE_SERVICES === '1') {
    throw new Error(`RAGOPS_TEST_REQUIRE_SERVICES=1 but ${CHROMIUM} is missing: apt-get install -y chromium`);
  }
  console.warn(`${CHROMIUM} is missing: the console browser tests are skipped (apt-get install -y chromium)`);
  return false;
}

/** Signs in through the form as a browser does (CSRF token and all); returns the session cookie. */
export async function sessionCookie(f: Pick<ConsoleFixture, 'app'>, token: string): Promise<string> {
  const page = await f.app.request('/console/sign-in');
  const pre = page.headers.get('set-cookie')!.split(';')[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const res = await f.app.request('/console/sign-in', {
    method: 'POST',
    headers: { origin: 'http://localhost', 'content-type': 'application/x-www-form-urlencoded', cookie: pre },
    body: new URLSearchParams({ token, _csrf: csrf }),
  });
  return res.headers
    .getSetCookie()
    .find((c) => c.startsWith('ragops_console='))!
    .split(';')[0]!;
}

export type ConsoleFixture = {
  eval: EvalFixture;
  app: RagopsApp;
  /** http://127.0.0.1:<port> */
  url: string;
  run: EvalRun;
  adminToken: string;
  reader: { name: string; token: string };
  outsider: { name: string; token: string };
  close(): Promise<void>;
};

export async function startConsoleFixture(
  backend: 'sqlite' | 'postgres' = 'sqlite',
  options: { rows?: number } = {},
): Promise<ConsoleFixture> {
  const f = await startEvalFixture(backend);
  await f.registerVersion();
  const host = createChainHost({ store: f.store, home: f.home, actorName: 'system:evals' });
  const dataset = await loadEvalDataset(await f.writeDataset('qa', options.rows ?? 6));
  const judges = () => createJudges({ names: ['token_f1', 'sentence_support', 'recall@3'], k: 3 });
  const created = await createEvalRun({
    ...f.adminCtx,
    modelUri: `models:/${EVAL_MODEL}/1`,
    dataset,
    judges: judges(),
  });
  const run = await runEval({ host, store: f.store, run: created, dataset, judges: judges() });
  const reader = await f.principal('reader', ['READ']);
  const outsider = await f.principal('outsider', []);
  const admin = await f.principal('console_admin', ['READ', 'EXECUTE', 'MANAGE']);

  const config = loadConfig({ RAGOPS_HOME: f.home, RAGOPS_METADATA_URL: f.metadataUrl, RAGOPS_LOG_LEVEL: 'silent' });
  const lifecycle = createLifecycle();
  const app = createApp({ store: f.store, config, logger: createServerLogger(config), lifecycle });
  const { server, port } = await new Promise<{ server: Server; port: number }>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({ server: s as Server, port: info.port }),
    );
  });
  return {
    eval: f,
    app,
    url: `http://127.0.0.1:${port}`,
    run,
    adminToken: admin.token,
    reader: { name: 'reader', token: reader.token },
    outsider: { name: 'outsider', token: outsider.token },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await lifecycle.shutdown();
      await f.close();
    },
  };
}
