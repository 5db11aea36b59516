// Two `ragops pipeline run`s on the same model at once (a cron job overlapping a CI job): in process
// with Promise.all on one store, on PostgreSQL through two store connections (as two hosts would
// share it), and as two real CLI processes. The build lock makes the second build wait and find the
// corpus unchanged; the register step's content key, unique per model in the store, lets one version
// in: both reports name it, and no step fails (the loser of the alias move finds the alias on the
// candidate). A chain change on an unchanged corpus lets both runs past the find-by-content check at
// once: there the database decides (on PostgreSQL the loser's insert is refused and it re-reads the
// winner). Then a copy into staging, twice at once. (Evaluations are not made exclusive: two runs may
// both start the candidate's run when neither sees the other's yet; this file does not count them.)
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  initWorkspace,
  LOCAL_ADMIN_PRINCIPAL,
  listModelVersions,
  type MetadataStore,
  openMetadataStore,
  readPrincipal,
} from '@ragops/core';
import { type PipelineReport, runPipeline } from '@ragops/evals';
import { ragopsMigrationSets } from '@ragops/monitoring';
import { closeIndexReaders, createChainHost } from '@ragops/rag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDir, runCliProcess } from './index-cli-helpers.ts';
import { createPipelineProject, PIPELINE_MODEL, pipelineSpec } from './pipeline-fixture.ts';
import { createFreshPostgresDatabase } from './postgres-test-database.ts';

const MODEL = PIPELINE_MODEL;
const SPEC = pipelineSpec(`    challenger:
      datasets: [docs-qa]
      judges: offline
      floors: { recall@5: { min: 0.7 } }`);

const postgresUrl = process.env.RAGOPS_TEST_POSTGRES_URL;
const backends = [
  ['sqlite', true],
  ['postgres', Boolean(postgresUrl)],
] as const;

for (const [backend, enabled] of backends) {
  describe.skipIf(!enabled)(`two pipelines at once (${backend})`, () => {
    let dir: string;
    let url: string;
    let drop: (() => Promise<void>) | undefined;
    const opened: MetadataStore[] = [];
    const open = async () => {
      const store = await openMetadataStore(url, { migrationSets: await ragopsMigrationSets() });
      opened.push(store);
      return store;
    };
    const pipeline = async (store: MetadataStore, extra: { catalog?: string } = {}): Promise<PipelineReport> => {
      const home = join(dir, '.ragops');
      const actor = await readPrincipal(store, LOCAL_ADMIN_PRINCIPAL);
      return runPipeline({
        store,
        actor,
        requestId: 'pipeline-concurrent',
        home,
        specPath: join(dir, 'ragops.yaml'),
        chain: 'docs_qa',
        index: {
          source: join(dir, 'docs'),
          chunker: { strategy: 'recursive', size: 1000, overlap: 150 },
          embedder: { provider: 'hash', model: 'hash-v2', dimensions: 1024 },
        },
        to: 'challenger',
        datasetsDir: join(dir, 'evals'),
        host: createChainHost({ store, home, actorName: 'system:evals' }),
        ...extra,
      });
    };
    const versionsOf = async (store: MetadataStore, model = MODEL) => {
      const actor = await readPrincipal(store, LOCAL_ADMIN_PRINCIPAL);
      return (await listModelVersions({ store, actor, name: model })).items.map((v) => v.version);
    };
    const failures = (r: PipelineReport) => r.steps.filter((s) => s.status === 'failed');

    beforeAll(async () => {
      dir = await createPipelineProject('ragops-pipeline-concurrent-', SPEC);
      url = `sqlite:${join(dir, 'ragops.db')}`;
      if (backend === 'postgres') {
        const db = await createFreshPostgresDatabase(postgresUrl!, 'ragops_pipeline_concurrent');
        url = db.url;
        drop = db.drop;
      }
      const store = await open();
      await initWorkspace({ store, actor: await readPrincipal(store, LOCAL_ADMIN_PRINCIPAL), requestId: 'init' });
    }, 60_000);
    afterAll(async () => {
      for (const store of opened) await store.close();
      await closeIndexReaders();
      await drop?.();
      if (dir) await removeTempDir(dir);
    });

    it('in one process on one store: one version (the model and its schema new), both reports name it', async () => {
      const store = opened[0]!;
      const [a, b] = await Promise.all([pipeline(store), pipeline(store)]);
      expect(failures(a), JSON.stringify(a.steps)).toEqual([]);
      expect(failures(b), JSON.stringify(b.steps)).toEqual([]);
      expect(await versionsOf(store)).toEqual([1]);
      expect([a.version, b.version]).toEqual([1, 1]);
      // One registered it, the other found it; one build wrote, the other waited and found it unchanged.
      const statuses = (step: string) => [a, b].map((r) => r.steps.find((s) => s.step === step)?.status).sort();
      expect(statuses('register')).toEqual(['done', 'skipped']);
      expect(statuses('build')).toEqual(['done', 'skipped']);
      expect([a.outcome, b.outcome].sort()).toEqual(['promoted', 'unchanged']);
    }, 240_000);

    it('after a document changed, again at once: one new version, both reports name it', async () => {
      await writeFile(join(dir, 'docs', 'concurrency.md'), '# Concurrency\n\nTwo pipelines at once register once.\n');
      const store = opened[0]!;
      const [a, b] = await Promise.all([pipeline(store), pipeline(store)]);
      expect([...failures(a), ...failures(b)]).toEqual([]);
      expect(await versionsOf(store)).toEqual([2, 1]);
      expect([a.version, b.version]).toEqual([2, 2]);
    }, 240_000);

    it('a chain change on an unchanged corpus (both builds skip at once, both register): one version', async () => {
      await writeFile(join(dir, 'ragops.yaml'), SPEC.replace('k: 5', 'k: 4'));
      const store = opened[0]!;
      const before = await versionsOf(store);
      const [a, b] = await Promise.all([pipeline(store), pipeline(store)]);
      expect([...failures(a), ...failures(b)]).toEqual([]);
      const next = before[0]! + 1;
      expect(await versionsOf(store)).toEqual([next, ...before]);
      expect([a.version, b.version]).toEqual([next, next]);
      expect([a, b].map((r) => r.steps.find((s) => s.step === 'register')?.status).sort()).toEqual(['done', 'skipped']);
      await writeFile(join(dir, 'ragops.yaml'), SPEC);
    }, 240_000);

    it.skipIf(backend !== 'postgres')(
      'through two store connections (as two hosts): one version, both reports name it',
      async () => {
        await writeFile(join(dir, 'docs', 'concurrency.md'), '# Concurrency\n\nTwo hosts at once register once.\n');
        const [first, second] = [await open(), await open()];
        const before = await versionsOf(first);
        const [a, b] = await Promise.all([pipeline(first), pipeline(second)]);
        expect([...failures(a), ...failures(b)]).toEqual([]);
        const next = before[0]! + 1;
        expect(await versionsOf(second)).toEqual([next, ...before]);
        expect([a.version, b.version]).toEqual([next, next]);
      },
      240_000,
    );

    it('two real CLI processes at once: one version, both exit 0 naming it', async () => {
      await writeFile(join(dir, 'docs', 'concurrency.md'), '# Concurrency\n\nTwo processes at once register once.\n');
      const store = opened[0]!;
      const before = await versionsOf(store);
      const args = ['--json', 'pipeline', 'run', 'docs_qa', '--to', 'challenger', '--spec', join(dir, 'ragops.yaml')];
      const env = { RAGOPS_METADATA_URL: url };
      const results = await Promise.all([
        runCliProcess(args, join(dir, '.ragops'), env),
        runCliProcess(args, join(dir, '.ragops'), env),
      ]);
      const next = before[0]! + 1;
      for (const r of results) {
        expect(r.code, r.stderr).toBe(0);
        expect((JSON.parse(r.stdout) as PipelineReport).version).toBe(next);
      }
      expect(await versionsOf(store)).toEqual([next, ...before]);
    }, 240_000);

    it('two copies into staging at once: one version there, both reports name it', async () => {
      const [first, second] = [opened[0]!, backend === 'postgres' ? await open() : opened[0]!];
      // A copy takes @champion of dev: make the latest version the champion by hand (no gate on it).
      const latest = (await versionsOf(first))[0]!;
      await first.run(
        `INSERT INTO model_aliases (catalog, schema, model, alias, version, updated_by, updated_at)
         VALUES ('dev', 'qs', 'docs_qa', 'champion', ?, 'test', '2026-01-01T00:00:00.000Z')`,
        [latest],
      );
      const [a, b] = await Promise.all([
        pipeline(first, { catalog: 'staging' }),
        pipeline(second, { catalog: 'staging' }),
      ]);
      expect([...failures(a), ...failures(b)]).toEqual([]);
      expect(await versionsOf(first, 'staging.qs.docs_qa')).toEqual([1]);
      expect([a.version, b.version]).toEqual([1, 1]);
      expect([a, b].map((r) => r.steps.find((s) => s.step === 'copy')?.status).sort()).toEqual(['done', 'skipped']);
    }, 240_000);
  });
}
