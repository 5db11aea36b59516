// `ragops promote` and the refusal of `models alias set` on a gated alias, in process, with the
// project's ragops.yaml gates: synced before every alias move the CLI makes.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listAudit, resolveModelUri } from '@ragops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVAL_MODEL, type EvalFixture, startEvalFixture } from './eval-fixture.ts';
import { runCli } from './index-cli-helpers.ts';

const SPEC = `version: 1
gates:
  ${EVAL_MODEL}:
    champion:
      datasets: [qa]
      judges: token_f1,recall@3
      floors: { error_rate: { max: 0.01 } }
      noRegression: { metrics: [token_f1, recall@3], margin: 0.01 }
`;

describe('ragops promote', () => {
  let f: EvalFixture;
  let env: Record<string, string>;
  const cli = (args: string[]) => runCli(args, f.home, env, { cwd: f.home });
  const champion = async () =>
    (await resolveModelUri({ ...f.adminCtx, uri: `models:/${EVAL_MODEL}@champion` })).version;

  beforeAll(async () => {
    f = await startEvalFixture();
    await f.registerVersion();
    await f.registerVersion();
    await f.writeDataset('qa', 9);
    await writeFile(join(f.home, 'ragops.yaml'), SPEC);
    env = { RAGOPS_METADATA_URL: f.metadataUrl };
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  it('refuses a plain alias set on a gated alias, naming the gate (exit 1, nothing moved)', async () => {
    const r = await cli(['models', 'alias', 'set', EVAL_MODEL, 'champion', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/gated by gates\.dev\.qs\.docs_qa\.champion .*ragops\.yaml.*ragops promote/);
    await expect(champion()).rejects.toThrow(/not found/);
  });

  it('promotes with --run-missing, printing the decision table; the first holder needs no comparison', async () => {
    const first = await cli(['promote', `models:/${EVAL_MODEL}/1`, '--to', 'champion', '--run-missing']);
    expect(first.stderr).toContain('evaluating models:/dev.qs.docs_qa/1 on qa');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/PASSED, alias moved/);
    expect(first.stdout).toMatch(/CRITERION +DATASET +VALUE +INTERVAL +THRESHOLD +VERDICT/);
    expect(first.stdout).toMatch(/no regression +qa .* pass +the alias has no holder yet/);
    const second = await cli(['--json', 'promote', `models:/${EVAL_MODEL}/2`, '--to', 'champion', '--run-missing']);
    expect(second.code).toBe(0);
    const d = JSON.parse(second.stdout) as {
      outcome: string;
      moved: boolean;
      holderVersion: number;
      criteria: { criterion: string; verdict: string }[];
    };
    expect(d).toMatchObject({ outcome: 'passed', moved: true, holderVersion: 1 });
    expect(d.criteria.map((c) => c.criterion)).toContain('Δ token_f1 vs v1');
    expect(await champion()).toBe(2);
  }, 120_000);

  it('--force needs --reason (exit 2) and records an override in the decision log and the audit log', async () => {
    const bare = await cli(['models', 'alias', 'set', EVAL_MODEL, 'champion', '1', '--force']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/--reason/);
    const forced = await cli([
      'models',
      'alias',
      'set',
      EVAL_MODEL,
      'champion',
      '1',
      '--force',
      '--reason',
      'rollback',
    ]);
    expect(forced.code).toBe(0);
    expect(await champion()).toBe(1);
    const audit = await listAudit({ ...f.adminCtx, query: { action: 'promotion.override' } });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]!.details).toMatchObject({ reason: 'rollback', gate: 'gates.dev.qs.docs_qa.champion' });
  });
});
