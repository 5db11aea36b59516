// `ragops pipeline run` end to end on a copy of the quickstart corpus (docs/, evals/docs-qa.jsonl,
// prompts/), in process, on both store backends: a first run builds, registers, evaluates and
// promotes; an unchanged re-run makes nothing (no version, no run, no decision); a changed document
// makes a new version that goes challenger → champion through the gate; a failure mid-way (an
// unknown dataset) leaves nothing to duplicate on the re-run; a blocked gate exits 3 with the
// champion kept; a later catalog copies the champion with lineage; a version registered by hand is
// found by its content and a run a killed process left unfinished is resumed, not repeated.
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCAL_ADMIN_PRINCIPAL, openMetadataStore, readPrincipal } from '@ragops/core';
import {
  allMigrationSets,
  createEvalRun,
  createJudges,
  evalDatasetPath,
  loadEvalDataset,
  type PipelineReport,
} from '@ragops/evals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDir, runCli, runJson } from './index-cli-helpers.ts';
import { createPipelineProject, PIPELINE_MODEL, pipelineSpec } from './pipeline-fixture.ts';
import { createFreshPostgresDatabase } from './postgres-test-database.ts';

const backends = [
  ['sqlite', true],
  ['postgres', Boolean(process.env.RAGOPS_TEST_POSTGRES_URL)],
] as const;

const MODEL = PIPELINE_MODEL;
const spec = (gate: string) => pipelineSpec(`    champion:\n${gate}`);
const GATE = `      datasets: [docs-qa]
      judges: offline
      floors: { recall@5: { min: 0.7 }, token_f1: { min: 0.25 }, error_rate: { max: 0.01 } }
      noRegression: { metrics: [recall@5, token_f1], margin: 0.02 }`;

for (const [backend, enabled] of backends) {
  describe.skipIf(!enabled)(`ragops pipeline run (${backend})`, () => {
    let dir: string;
    let home: string;
    let env: Record<string, string> = {};
    let drop: (() => Promise<void>) | undefined;
    const pipeline = async (...args: string[]) => {
      const r = await runCli(['--json', 'pipeline', 'run', 'docs_qa', ...args], home, env, { cwd: dir });
      return { ...r, report: JSON.parse(r.stdout) as PipelineReport };
    };
    const statuses = (r: PipelineReport) => Object.fromEntries(r.steps.map((s) => [s.step, s.status]));
    const versions = async (model = MODEL) =>
      (await runJson<{ items: unknown[] }>(['models', 'versions', model], home, env)).items.length;
    const runs = async () =>
      (
        await runJson<{ items: { id: string; modelVersion: number; dataset: { name: string } }[] }>(
          ['eval', 'list'],
          home,
          env,
        )
      ).items;
    const decisions = async () =>
      (await runJson<{ items: unknown[] }>(['audit', '--action', 'promotion.decide'], home, env)).items.length;
    const holder = async (alias: string, model = MODEL) =>
      (await runJson<{ version: number }>(['models', 'show', `models:/${model}@${alias}`], home, env)).version;

    beforeAll(async () => {
      dir = await createPipelineProject('ragops-pipeline-', spec(GATE));
      home = join(dir, '.ragops');
      if (backend === 'postgres') {
        const db = await createFreshPostgresDatabase(process.env.RAGOPS_TEST_POSTGRES_URL!, 'ragops_pipeline');
        env = { RAGOPS_METADATA_URL: db.url };
        drop = db.drop;
      }
      expect((await runCli(['init'], home, env, { cwd: dir })).code).toBe(0);
    }, 120_000);
    afterAll(async () => {
      await drop?.();
      if (dir) await removeTempDir(dir);
    });

    it('bad input is exit 2 naming the flag or name, before anything is written', async () => {
      const cases: [string[], RegExp][] = [
        [['pipeline', 'run', 'docs_qa', '--to', 'prod'], /--to: Invalid option/],
        [['pipeline', 'run', 'no_such_chain'], /chain "no_such_chain" is not defined/],
        [['pipeline', 'run', 'docs_qa', '--catalog', 'qa'], /--catalog qa: .*pass --from <catalog>/],
        [['pipeline', 'run', 'docs_qa', '--judge-model', 'nope'], /--judge-model: use provider\/model/],
      ];
      for (const [args, message] of cases) {
        const r = await runCli(args, home, env, { cwd: dir });
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr).toMatch(message);
      }
      // Nothing was registered: the model does not exist.
      expect((await runCli(['models', 'versions', MODEL], home, env)).stderr).toMatch(/not found/);
    });

    it('first run: builds, registers v1, evaluates it, moves challenger and then champion through the gate', async () => {
      const r = await pipeline();
      expect(r.code, r.stderr).toBe(0);
      expect(r.report).toMatchObject({ model: MODEL, version: 1, outcome: 'promoted', to: 'champion' });
      expect(statuses(r.report)).toEqual({
        build: 'done',
        register: 'done',
        evaluate: 'done',
        challenger: 'done',
        champion: 'done',
      });
      expect(r.report.steps.find((s) => s.step === 'champion')!.decision).toMatchObject({
        outcome: 'passed',
        moved: true,
      });
      expect(r.stderr).toMatch(/pipeline: build: done — dev\.qs\.docs: build 1/);
      expect(r.stderr).toMatch(/pipeline: {3}ran er_\w+: models:\/dev\.qs\.docs_qa\/1 on docs-qa \(109 rows\)/);
      expect(await holder('champion')).toBe(1);
      expect(await holder('challenger')).toBe(1);
    }, 240_000);

    it('run again on an unchanged corpus: every step skipped, no new version, run or decision, exit 0', async () => {
      const before = { versions: await versions(), runs: (await runs()).length, decisions: await decisions() };
      const r = await pipeline();
      expect(r.code, r.stderr).toBe(0);
      expect(r.report.outcome).toBe('unchanged');
      expect(new Set(r.report.steps.map((s) => s.status))).toEqual(new Set(['skipped']));
      expect({ versions: await versions(), runs: (await runs()).length, decisions: await decisions() }).toEqual(before);
    }, 240_000);

    it('one changed document: v2 is evaluated against champion v1, becomes challenger, then champion by the paired test', async () => {
      await appendFile(
        join(dir, 'docs', 'concepts.md'),
        '\n\nA pipeline run rebuilds, registers, evaluates and promotes.\n',
      );
      const r = await pipeline();
      expect(r.code, r.stderr).toBe(0);
      expect(r.report).toMatchObject({ version: 2, outcome: 'promoted' });
      expect(r.report.steps[0]!.summary).toMatch(/0 added, 1 changed, 0 removed, \d+ unchanged/);
      // Only the candidate is evaluated: the holder's run on the same dataset hash is reused.
      expect(r.stderr).toMatch(/ran er_\w+: models:\/dev\.qs\.docs_qa\/2 on docs-qa/);
      expect(r.stderr).toMatch(/reused er_\w+: models:\/dev\.qs\.docs_qa\/1 on docs-qa/);
      const human = await runCli(['pipeline', 'run', 'docs_qa'], home, env, { cwd: dir });
      expect(human.stdout).toMatch(/pipeline docs_qa → dev\.qs\.docs_qa@champion: UNCHANGED \(version 2\)/);
      expect(await holder('champion')).toBe(2);
      const d = r.report.steps.find((s) => s.step === 'champion')!.decision!;
      const table = await runCli(['models', 'lineage', 'models:/dev.qs.docs_qa/2'], home, env, { cwd: dir });
      expect(table.stdout).toContain(d.id);
    }, 240_000);

    it('fails mid-way on an unknown dataset (exit 2, v3 registered); fixed and re-run, nothing is duplicated', async () => {
      await appendFile(join(dir, 'docs', 'indexes.md'), '\n\nThe pipeline skips a build when no document changed.\n');
      await writeFile(join(dir, 'ragops.yaml'), spec(GATE.replace('[docs-qa]', '[docs-qa, no-such-dataset]')));
      const failed = await pipeline();
      expect(failed.code).toBe(2);
      expect(failed.report.outcome).toBe('failed');
      expect(statuses(failed.report)).toMatchObject({ build: 'done', register: 'done', evaluate: 'failed' });
      expect(failed.report.steps.at(-1)!.error!.message).toMatch(/no-such-dataset/);
      expect(await holder('challenger')).toBe(2);

      await writeFile(join(dir, 'ragops.yaml'), spec(GATE));
      const again = await pipeline();
      expect(again.code, again.stderr).toBe(0);
      expect(statuses(again.report)).toMatchObject({ build: 'skipped', register: 'skipped' });
      expect(again.report).toMatchObject({ version: 3, outcome: 'promoted' });
      expect(await versions()).toBe(3);
      // One run per version on docs-qa: the one made before the failure was reused, not repeated.
      const byVersion = (await runs()).map((run) => `${run.modelVersion}/${run.dataset.name}`);
      expect(byVersion.sort()).toEqual(['1/docs-qa', '2/docs-qa', '3/docs-qa']);
    }, 240_000);

    it('a gate that says no exits 3 (not an error): the candidate is challenger, the champion stays', async () => {
      await appendFile(join(dir, 'docs', 'serving.md'), '\n\nServing follows the champion alias.\n');
      await writeFile(join(dir, 'ragops.yaml'), spec(GATE.replace('{ min: 0.7 }', '{ min: 0.99 }')));
      const r = await pipeline();
      expect(r.code, r.stderr).toBe(3);
      expect(r.report).toMatchObject({ version: 4, outcome: 'blocked' });
      expect(r.report.steps.at(-1)).toMatchObject({
        step: 'champion',
        status: 'failed',
        decision: { outcome: 'blocked', moved: false },
      });
      expect(r.report.steps.at(-1)!.summary).toMatch(/recall@5 \(fail\)/);
      expect(await holder('champion')).toBe(3);
      expect(await holder('challenger')).toBe(4);
      await writeFile(join(dir, 'ragops.yaml'), spec(GATE));
    }, 240_000);

    it('--catalog staging copies the dev champion with lineage; again, nothing new', async () => {
      const r = await pipeline('--catalog', 'staging');
      expect(r.code, r.stderr).toBe(0);
      expect(r.report).toMatchObject({ model: 'staging.qs.docs_qa', version: 1, outcome: 'promoted' });
      expect(r.report.steps.map((s) => s.step)).toEqual(['copy', 'evaluate', 'challenger', 'champion']);
      const copy = await runJson<{ source: { uri: string } }>(
        ['models', 'show', 'models:/staging.qs.docs_qa/1'],
        home,
        env,
      );
      expect(copy.source.uri).toBe('models:/dev.qs.docs_qa/3');
      const again = await pipeline('--catalog', 'staging');
      expect(again.report.outcome).toBe('unchanged');
      expect(await versions('staging.qs.docs_qa')).toBe(1);
      expect(await holder('champion', 'staging.qs.docs_qa')).toBe(1);
    }, 240_000);

    it('finds a version registered by hand by its content, and resumes the run a killed process left unfinished', async () => {
      await appendFile(
        join(dir, 'docs', 'registry.md'),
        '\n\nVersions registered by hand are found by their content.\n',
      );
      expect((await runCli(['index', 'build', 'dev.qs.docs'], home, env, { cwd: dir })).code).toBe(0);
      const registered = await runCli(['--json', 'models', 'register', MODEL, '--chain', 'docs_qa'], home, env, {
        cwd: dir,
      });
      expect(registered.code, registered.stderr).toBe(0);
      const byHand = JSON.parse(registered.stdout) as { version: number; uri: string };
      // What a pipeline killed mid-evaluation leaves: a run created, no row scored, status running.
      const store = await openMetadataStore(env.RAGOPS_METADATA_URL ?? `sqlite:${join(home, 'ragops.db')}`, {
        migrationSets: await allMigrationSets(),
      });
      let unfinished: string;
      try {
        const actor = await readPrincipal(store, LOCAL_ADMIN_PRINCIPAL);
        const dataset = await loadEvalDataset(evalDatasetPath(join(dir, 'evals'), 'docs-qa'));
        const judges = createJudges({ names: ['offline'], k: 5 });
        unfinished = (await createEvalRun({ store, actor, requestId: 't', modelUri: byHand.uri, dataset, judges })).id;
      } finally {
        await store.close();
      }
      const r = await pipeline();
      expect(r.code, r.stderr).toBe(0);
      expect(statuses(r.report)).toMatchObject({ build: 'skipped', register: 'skipped', evaluate: 'done' });
      expect(r.report).toMatchObject({ version: byHand.version, outcome: 'promoted' });
      expect(r.stderr).toContain(`resumed ${unfinished}: ${byHand.uri} on docs-qa`);
      const mine = (await runs()).filter((run) => run.modelVersion === byHand.version);
      expect(mine.map((run) => run.id)).toEqual([unfinished]);
      expect(await holder('champion')).toBe(byHand.version);
    }, 240_000);
  });
}
