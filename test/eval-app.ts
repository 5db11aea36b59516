// The server app in-process (app.request) over an eval fixture's store and home: what the eval-runs,
// feedback and promotions API tests share.
import { Writable } from 'node:stream';
import { createApp } from '../apps/server/src/app.ts';
import type { RagopsApp } from '../apps/server/src/app-context.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import { createLifecycle, type Lifecycle } from '../apps/server/src/lifecycle.ts';
import { createServerLogger } from '../apps/server/src/logger.ts';
import type { EvalFixture } from './eval-fixture.ts';

/** An app with no hosted LLM providers and the fixture's datasets; `lifecycle.shutdown()` ends it. */
export function createEvalApp(f: EvalFixture): { app: RagopsApp; lifecycle: Lifecycle } {
  const config = {
    ...loadConfig({ RAGOPS_HOME: f.home, RAGOPS_METADATA_URL: f.metadataUrl, RAGOPS_LOG_LEVEL: 'warn' }),
    evalsDir: f.datasetsDir,
  };
  const lifecycle = createLifecycle();
  const serving = {
    providers: {},
    prices: {},
    aliasStalenessMs: 50,
    inference: { queueMax: 1000, batchSize: 100, flushMs: 10, content: 'full' as const, contentSampleRate: 1 },
  };
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const app = createApp({
    store: f.store,
    config,
    logger: createServerLogger(config, sink),
    lifecycle,
    serving: { config: serving },
  });
  return { app, lifecycle };
}
