// The server syncs ragops.yaml `gates:` into the store at startup (RAGOPS_SPEC), as the CLI does before
// every alias move: a server deployed with a new spec refuses a plain PUT of a gated alias before any
// CLI command ran. A gate naming a model not registered yet does not stop the server. Real HTTP.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findAliasGate, setAlias } from '@ragops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../apps/server/src/config.ts';
import { type RunningServer, startServer } from '../apps/server/src/server.ts';
import { EVAL_MODEL, type EvalFixture, startEvalFixture } from './eval-fixture.ts';

const SPEC = `version: 1
gates:
  ${EVAL_MODEL}:
    champion:
      datasets: [qa]
      noRegression: { metrics: [token_f1] }
  dev.qs.not_registered_yet:
    champion:
      datasets: [qa]
`;

const backends = [
  ['sqlite', true],
  ['postgres', Boolean(process.env.RAGOPS_TEST_POSTGRES_URL)],
] as const;

for (const [backend, enabled] of backends) {
  describe.skipIf(!enabled)(`server startup syncs gates: from the spec (${backend})`, () => {
    let f: EvalFixture;
    let server: RunningServer;
    let spec: string;

    beforeAll(async () => {
      f = await startEvalFixture(backend);
      await f.registerVersion();
      await f.registerVersion();
      await setAlias({ ...f.adminCtx, name: EVAL_MODEL, alias: 'champion', version: 1 });
      spec = join(f.home, 'ragops.yaml');
      await writeFile(spec, SPEC);
      expect(await findAliasGate(f.store, EVAL_MODEL, 'champion')).toBeUndefined();
      server = await startServer(
        loadConfig({
          PORT: '0',
          RAGOPS_HOME: f.home,
          RAGOPS_METADATA_URL: f.metadataUrl,
          RAGOPS_SPEC: spec,
          RAGOPS_LOG_LEVEL: 'silent',
        }),
      );
    }, 120_000);
    afterAll(async () => {
      await server?.close();
      await f?.close();
    });

    it('stores the gate with the spec as its source and refuses a plain PUT of the alias (409 naming it)', async () => {
      const gate = await findAliasGate(f.store, EVAL_MODEL, 'champion');
      expect(gate).toMatchObject({ source: spec, policy: { datasets: ['qa'] } });
      const { token } = await f.principal('sync_manager', ['READ', 'MANAGE']);
      const res = await fetch(`${server.url}/api/v1/models/${EVAL_MODEL}/aliases/champion`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ version: 2 }),
      });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
        /gates\.dev\.qs\.docs_qa\.champion/,
      );
      expect(await findAliasGate(f.store, 'dev.qs.not_registered_yet', 'champion')).toBeUndefined();
    });
  });
}
