// Eval runs through the library, on both store backends: the chain host answers every row, offline
// judges score it, each row is committed once; an abort leaves a resumable run; access is governed.
import { appendFile } from 'node:fs/promises';
import { getLineage } from '@ragops/core';
import {
  compareEvalRuns,
  createEvalRun,
  createJudges,
  type EvalRun,
  getEvalRun,
  listEvalRunRows,
  listEvalRuns,
  loadEvalDataset,
  runEval,
} from '@ragops/evals';
import { type ChainHost, createChainHost } from '@ragops/rag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVAL_MODEL, type EvalFixture, startEvalFixture } from './eval-fixture.ts';

const backends = [
  ['sqlite', true],
  ['postgres', Boolean(process.env.RAGOPS_TEST_POSTGRES_URL)],
] as const;

for (const [backend, enabled] of backends) {
  describe.skipIf(!enabled)(`eval runs (${backend})`, () => {
    let f: EvalFixture;
    let host: ChainHost;
    const judges = () => createJudges({ names: ['token_f1', 'sentence_support', 'recall@3'], k: 3 });

    beforeAll(async () => {
      f = await startEvalFixture(backend);
      await f.registerVersion();
      await f.registerVersion({ provider: 'terse', model: 'extractive-v1' });
      host = createChainHost({
        store: f.store,
        home: f.home,
        providers: { terse: { type: 'extractive', maxSentences: 1 } },
        actorName: 'system:evals',
      });
    }, 120_000);
    afterAll(async () => {
      await f?.close();
    });

    async function newRun(name: string, rows: number, modelUri = `models:/${EVAL_MODEL}/1`): Promise<EvalRun> {
      const dataset = await loadEvalDataset(await f.writeDataset(name, rows));
      return createEvalRun({ ...f.adminCtx, modelUri, dataset, judges: judges() });
    }

    it('scores every row through the chain host and stores answer, chunks, verdicts and aggregates', async () => {
      const path = await f.writeDataset('full', 12);
      const dataset = await loadEvalDataset(path);
      const created = await createEvalRun({
        ...f.adminCtx,
        modelUri: `models:/${EVAL_MODEL}@latest`,
        dataset,
        judges: judges(),
      });
      expect(created).toMatchObject({ status: 'running', modelVersion: 2, rowsTotal: 12, rowsDone: 0 });
      expect(created.judges.map((j) => [j.name, j.kind])).toEqual([
        ['token_f1', 'heuristic'],
        ['sentence_support', 'heuristic'],
        ['recall@3', 'retrieval'],
      ]);
      const done = await runEval({ host, store: f.store, run: created, dataset, judges: judges(), concurrency: 3 });
      expect(done).toMatchObject({ status: 'completed', rowsDone: 12 });
      expect(done.dataset).toEqual({
        name: 'full',
        contentHash: dataset.contentHash,
        rowIds: dataset.rows.map((r) => r.id),
      });

      const { items } = await listEvalRunRows({ ...f.adminCtx, id: done.id, pageSize: 100 });
      expect(items.map((r) => r.rowId)).toEqual(dataset.rows.map((r) => r.id));
      const first = items[0]!;
      expect(first.status).toBe('ok');
      expect(first.answer).toMatch(/champion/i);
      expect(first.retrieved.length).toBeGreaterThan(0);
      expect(first.retrieved[0]).toEqual({
        n: 1,
        chunkId: expect.any(String),
        documentId: expect.any(String),
        score: expect.any(Number),
      });
      expect(first.scores['recall@3']?.score).toBe(1);
      expect(first.scores.token_f1?.verdicts[0]).toMatchObject({ ok: true, score: expect.any(Number) });
      expect(first.latency.totalMs).toBeGreaterThan(0);
      expect(first.tokens.in).toBeGreaterThan(0);

      const f1 = done.aggregates!.metrics.find((m) => m.judge === 'token_f1')!;
      expect(f1.overall!.n).toBe(12);
      expect(f1.overall!.low).toBeLessThanOrEqual(f1.overall!.mean);
      expect(f1.overall!.high).toBeGreaterThanOrEqual(f1.overall!.mean);
      expect(Object.keys(f1.byTag).sort()).toEqual(['aliases', 'lance', 'serving']);
      expect(f1.byTag.aliases!.n).toBe(4);
      expect(done.aggregates!.rows).toEqual({ total: 12, ok: 12, failed: 0 });

      const lineage = await getLineage({ store: f.store, actor: f.admin, uri: `models:/${EVAL_MODEL}/2` });
      expect(lineage.downstream.links).toContainEqual(
        expect.objectContaining({ kind: 'eval_run', ref: done.id, relation: 'evaluated_by' }),
      );
    }, 60_000);

    it('an abort mid-run leaves a resumable run; resume scores only the rest, none twice', async () => {
      const run = await newRun('resume', 15);
      const dataset = await loadEvalDataset(`${f.datasetsDir}/resume.jsonl`);
      const controller = new AbortController();
      const asked: string[] = [];
      const counting: ChainHost = {
        ...host,
        answer: (request) => {
          asked.push(String(request.question));
          return host.answer(request);
        },
      };
      const interrupted = await runEval({
        host: counting,
        store: f.store,
        run,
        dataset,
        judges: judges(),
        concurrency: 2,
        abortSignal: controller.signal,
        onProgress: (p) => {
          if (p.done >= 5) controller.abort();
        },
      });
      expect(interrupted.status).toBe('interrupted');
      const kept = interrupted.rowsDone;
      expect(kept).toBeGreaterThanOrEqual(5);
      expect(kept).toBeLessThan(15);
      const before = new Map(
        (await listEvalRunRows({ ...f.adminCtx, id: run.id })).items.map((r) => [r.rowId, r.createdAt]),
      );
      const askedBefore = asked.length;

      const resumed = await runEval({ host: counting, store: f.store, run: interrupted, dataset, judges: judges() });
      expect(resumed).toMatchObject({ status: 'completed', rowsDone: 15 });
      // The resume asked the chain only for rows not committed before.
      expect(asked.length - askedBefore).toBe(15 - kept);
      const rows = (await listEvalRunRows({ ...f.adminCtx, id: run.id })).items;
      expect(new Set(rows.map((r) => r.rowId)).size).toBe(15);
      for (const [id, createdAt] of before) expect(rows.find((r) => r.rowId === id)?.createdAt).toBe(createdAt);
    }, 60_000);

    it('refuses to resume on a changed dataset or changed judges', async () => {
      const run = await newRun('changing', 3);
      const path = `${f.datasetsDir}/changing.jsonl`;
      await appendFile(path, `${JSON.stringify({ id: 'extra', question: 'What is Lance?' })}\n`);
      const changed = await loadEvalDataset(path);
      await expect(runEval({ host, store: f.store, run, dataset: changed, judges: judges() })).rejects.toThrow(
        /used dataset changing at .*Start a new run/,
      );
      await expect(
        runEval({
          host,
          store: f.store,
          run,
          dataset: { ...changed, contentHash: run.dataset.contentHash },
          judges: createJudges({ names: ['token_f1'], k: 3 }),
        }),
      ).rejects.toThrow(/was started with judges/);
    });

    it('running needs EXECUTE; reading needs READ; runs of unreadable models are not listed', async () => {
      const dataset = await loadEvalDataset(await f.writeDataset('governed', 2));
      const reader = await f.principal(`reader_${backend}`, ['READ']);
      const nobody = await f.principal(`nobody_${backend}`, []);
      const ctx = (actor: typeof reader.principal) => ({ store: f.store, actor, requestId: 't' });
      await expect(
        createEvalRun({ ...ctx(reader.principal), modelUri: `models:/${EVAL_MODEL}/1`, dataset, judges: judges() }),
      ).rejects.toMatchObject({ code: 'permission_denied' });
      const run = await newRun('governed', 2);
      await expect(getEvalRun({ ...ctx(reader.principal), id: run.id })).resolves.toMatchObject({ id: run.id });
      await expect(getEvalRun({ ...ctx(nobody.principal), id: run.id })).rejects.toMatchObject({ code: 'not_found' });
      await expect(listEvalRunRows({ ...ctx(nobody.principal), id: run.id })).rejects.toMatchObject({
        code: 'not_found',
      });
      expect((await listEvalRuns({ ...ctx(nobody.principal) })).items).toEqual([]);
      expect((await listEvalRuns({ ...ctx(reader.principal) })).items.map((r) => r.id)).toContain(run.id);
    });

    it('compares two runs row by row with a paired interval and the rows that changed most', async () => {
      const dataset = await loadEvalDataset(await f.writeDataset('paired', 9));
      const runs: EvalRun[] = [];
      for (const version of [1, 2]) {
        const run = await createEvalRun({
          ...f.adminCtx,
          modelUri: `models:/${EVAL_MODEL}/${version}`,
          dataset,
          judges: judges(),
        });
        runs.push(await runEval({ host, store: f.store, run, dataset, judges: judges() }));
      }
      const cmp = await compareEvalRuns({ ...f.adminCtx, a: runs[0]!.id, b: runs[1]!.id });
      expect(cmp.sameDataset).toBe(true);
      expect(cmp.pairedRows).toBe(9);
      const f1 = cmp.metrics.find((m) => m.judge === 'token_f1')!;
      expect(f1.diff!.n).toBe(9);
      expect(f1.diff!.low).toBeLessThanOrEqual(f1.diff!.mean);
      const recall = cmp.metrics.find((m) => m.judge === 'recall@3')!;
      // Same retriever, same index: retrieval does not move between the versions.
      expect(recall.diff).toMatchObject({ mean: 0, low: 0, high: 0, n: 9 });
      expect(recall.mostChanged).toEqual([]);
      // The terse version (one sentence per answer) moves token F1 on some rows.
      expect(f1.mostChanged.length).toBeGreaterThan(0);
      for (const row of f1.mostChanged) expect(row.diff).toBeCloseTo(row.b - row.a, 10);
      const self = await compareEvalRuns({ ...f.adminCtx, a: runs[0]!.id, b: runs[0]!.id });
      expect(self.metrics.every((m) => m.diff?.mean === 0)).toBe(true);
    }, 60_000);
  });
}
