import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, InvalidInputError, loadRagopsSpec, resolveProviderSettings } from '@ragops/core';
import type { Command } from 'commander';
import { z } from 'zod';
import { cliContext } from '../cli-context.ts';
import { printResult } from '../output.ts';
import { action, type GlobalOptions } from '../program.ts';
import { createProgress } from '../progress.ts';
import { renderCalibration } from './calibration-render.ts';
import { registerEvalPromptfooCommand } from './eval-promptfoo.ts';
import { renderComparison, renderDataset, renderDatasets, renderRun, renderRunList } from './eval-render.ts';
import { evalsChainHost } from './evals-chain-host.ts';
import { addHomeOption, parseFlags, type RegistryCli, resolvePath, resolveSpec, withRegistry } from './registry-cli.ts';

// The evals package (judges, stats) and the RAG runtime (LanceDB, LLM clients) load only in the
// actions that use them, so `ragops --help` and the other groups never pay for them.
const evals = () => import('@ragops/evals');

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const common = z.object({ home: z.string().min(1).optional(), datasetsDir: z.string().min(1).optional() });
const runFlags = common.extend({
  dataset: z.string().min(1),
  judges: z.string().min(1).default('offline'),
  judgeModel: z.string().optional(),
  repeats: int(1, 10).default(1),
  concurrency: int(1, 64).default(4),
  limit: int(1, 1_000_000).optional(),
  timeoutMs: int(1, 3_600_000).default(60_000),
  spec: z.string().min(1).optional(),
});
const resumeFlags = common.extend({
  concurrency: int(1, 64).default(4),
  timeoutMs: int(1, 3_600_000).default(60_000),
  judgeModel: runFlags.shape.judgeModel,
  spec: z.string().min(1).optional(),
});
const listFlags = common.extend({ model: z.string().min(1).optional(), pageSize: int(1, 1000).optional() });
const showFlags = common.extend({ rows: z.boolean().optional() });
const compareFlags = common.extend({ top: int(1, 100).default(5) });
const calibrationFlags = common.extend({
  judge: z.string().min(1).max(100).optional(),
  criterion: z.string().min(1).max(100).optional(),
  minItems: int(2, 100_000).default(30),
});

/** `--datasets-dir`, else `evals/` in the project root (beside ragops.yaml), else ./evals. */
function datasetsDir(flag: string | undefined): string {
  if (flag) return resolvePath(flag);
  const { root } = cliContext();
  return join(root.dir ?? root.cwd, 'evals');
}

/** Ctrl-C as an abort: rows in flight are dropped, the run stays resumable. */
function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSigint = () => controller.abort(new ConflictError('Interrupted: resume with `ragops eval resume <run>`.'));
  const { signals } = cliContext();
  signals.once('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => signals.off('SIGINT', onSigint) };
}

/** The chain host and judges of a run, configured as the server configures serving (ragops.yaml `providers:` + env). */
async function runtimeFor(
  cli: RegistryCli,
  f: { spec?: string | undefined; judgeModel?: string | undefined },
  judgeNames: readonly string[],
  modelUri: string,
) {
  const { env } = cliContext();
  const specFile = resolveSpec(f.spec);
  const spec = f.spec !== undefined || existsSync(specFile) ? await loadRagopsSpec(specFile) : undefined;
  const settings = resolveProviderSettings({ spec: spec?.spec.providers, specPath: specFile, env });
  const { createJudges, judgeModelSchema, resolveJudgeModel, StoreVerdictCache } = await evals();
  const host = await evalsChainHost(cli, settings);
  const version = await host.resolveVersion(modelUri);
  const llm =
    f.judgeModel === undefined
      ? undefined
      : resolveJudgeModel(host, parseJudgeModel(judgeModelSchema, f.judgeModel), '--judge-model');
  const judges = createJudges({
    names: judgeNames,
    k: version.package.chain.retriever.k,
    cache: new StoreVerdictCache(cli.store),
    ...(llm && { llm }),
  });
  return { host, judges };
}

/** Runs (or resumes) with a progress bar and Ctrl-C, then prints the run. */
async function execute(
  globals: GlobalOptions,
  input: Omit<Parameters<Awaited<ReturnType<typeof evals>>['runEval']>[0], 'onProgress' | 'abortSignal'>,
): Promise<void> {
  const { runEval } = await evals();
  const progress = createProgress({ json: globals.json });
  const interrupt = interruptSignal();
  const run = await runEval({
    ...input,
    onProgress: (p) => progress.onProgress({ phase: `eval ${input.run.id}`, done: p.done, total: p.total }),
    abortSignal: interrupt.signal,
  }).finally(() => {
    progress.stop();
    interrupt.dispose();
  });
  printResult(globals, run, renderRun);
  if (run.status === 'interrupted') {
    cliContext().stderr.write(
      `interrupted: ${run.rowsDone}/${run.rowsTotal} rows kept; ragops eval resume ${run.id}\n`,
    );
    cliContext().exitCode = 130;
  }
}

const withEvals = async <T>(command: Command, fn: (cli: RegistryCli) => Promise<T>) =>
  withRegistry(command, fn, { migrationSets: await (await evals()).allMigrationSets() });

/** `ragops eval run|resume|promptfoo|list|show|compare|datasets`. */
export function registerEvalCommands(group: Command): void {
  const cmd = (parent: Command, spec: string, description: string) =>
    addHomeOption(parent.command(spec).description(description)).option(
      '--datasets-dir <dir>',
      'dataset folder (default: evals/ beside ragops.yaml)',
    );

  cmd(group, 'run <model-uri>', 'score a model version on a dataset through the chain host; resumable')
    .requiredOption('--dataset <name>', 'dataset name: evals/<name>.jsonl')
    .option('--judges <names>', 'comma-separated judges or groups (offline, heuristics, retrieval)', 'offline')
    .option('--judge-model <provider/model>', 'the judge model of LLM judges (a provider of ragops.yaml)')
    .option('--repeats <n>', 'judge each row n times (agreement between repeats)', '1')
    .option('--concurrency <n>', 'rows in flight at once', '4')
    .option('--limit <n>', 'only the first n rows of the dataset')
    .option('--timeout-ms <ms>', 'budget per chain call', '60000')
    .option('--spec <file>', 'the spec whose providers: configure LLMs (default: the project ragops.yaml)')
    .action(
      action(async (modelUri: string, raw: unknown, command: Command) => {
        const f = parseFlags(runFlags, raw);
        const globals = command.optsWithGlobals<GlobalOptions>();
        const names = f.judges
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const { loadEvalDataset, evalDatasetPath, createEvalRun } = await evals();
        const dataset = await loadEvalDataset(evalDatasetPath(datasetsDir(f.datasetsDir), f.dataset));
        await withEvals(command, async (cli) => {
          const { host, judges } = await runtimeFor(cli, f, names, modelUri);
          const run = await createEvalRun({
            ...cli,
            modelUri,
            dataset,
            judges,
            repeats: f.repeats,
            ...(f.limit !== undefined && { limit: f.limit }),
          });
          if (!globals.json)
            cliContext().stderr.write(
              `eval run ${run.id}: ${run.versionUri} on ${dataset.name} (${run.rowsTotal} rows)\n`,
            );
          await execute(globals, {
            host,
            store: cli.store,
            run,
            dataset,
            judges,
            concurrency: f.concurrency,
            timeoutMs: f.timeoutMs,
          });
        });
      }),
    );

  cmd(group, 'resume <run>', 'finish an interrupted or crashed run: committed rows are kept, none is scored twice')
    .option('--concurrency <n>', 'rows in flight at once', '4')
    .option('--timeout-ms <ms>', 'budget per chain call', '60000')
    .option('--judge-model <provider/model>', 'the judge model of LLM judges (as when the run started)')
    .option('--spec <file>', 'the spec whose providers: configure LLMs')
    .action(
      action(async (id: string, raw: unknown, command: Command) => {
        const f = parseFlags(resumeFlags, raw);
        const globals = command.optsWithGlobals<GlobalOptions>();
        const { getEvalRun, authorizeEvalRunExecution, loadEvalDataset, evalDatasetPath } = await evals();
        await withEvals(command, async (cli) => {
          const run = await getEvalRun({ ...cli, id });
          await authorizeEvalRunExecution({ ...cli, run });
          if (run.status === 'completed') throw new ConflictError(`eval run ${id} is already completed`);
          const dataset = await loadEvalDataset(evalDatasetPath(datasetsDir(f.datasetsDir), run.dataset.name));
          const { host, judges } = await runtimeFor(
            cli,
            f,
            run.judges.map((j) => j.name),
            run.versionUri,
          );
          await execute(globals, {
            host,
            store: cli.store,
            run,
            dataset,
            judges,
            concurrency: f.concurrency,
            timeoutMs: f.timeoutMs,
          });
        });
      }),
    );

  registerEvalPromptfooCommand(
    cmd(group, 'promptfoo <model-uri>', 'score a model version with promptfoo (as a library), stored as an eval run'),
    { datasetsDir, interruptSignal, withEvals },
  );

  cmd(group, 'list', 'eval runs, newest first (of models you may READ)')
    .option('--model <catalog.schema.model>', 'only runs of this model')
    .option('--page-size <n>', 'runs to show (default 100)')
    .action(
      action(async (raw: unknown, command: Command) => {
        const f = parseFlags(listFlags, raw);
        const { listEvalRuns } = await evals();
        const page = await withEvals(command, (cli) =>
          listEvalRuns({
            ...cli,
            ...(f.model && { model: f.model }),
            ...(f.pageSize && { pageSize: f.pageSize }),
          }),
        );
        printResult(command.optsWithGlobals<GlobalOptions>(), page, renderRunList);
      }),
    );

  cmd(group, 'show <run>', 'a run: version, dataset hash, judges, metrics with 95% intervals (per tag)')
    .option('--rows', 'also list every row: status, scores, answer')
    .action(
      action(async (id: string, raw: unknown, command: Command) => {
        const f = parseFlags(showFlags, raw);
        const { getEvalRun, allRunRows } = await evals();
        const result = await withEvals(command, async (cli) => {
          const run = await getEvalRun({ ...cli, id });
          return { run, ...(f.rows && { rows: await allRunRows(cli.store, run.id) }) };
        });
        printResult(command.optsWithGlobals<GlobalOptions>(), result, ({ run, rows }) => renderRun(run, rows));
      }),
    );

  cmd(group, 'compare <run-a> <run-b>', 'paired per-row differences B − A with 95% intervals; rows that changed most')
    .option('--top <n>', 'rows to show per metric', '5')
    .action(
      action(async (a: string, b: string, raw: unknown, command: Command) => {
        const f = parseFlags(compareFlags, raw);
        const { compareEvalRuns } = await evals();
        const cmp = await withEvals(command, (cli) => compareEvalRuns({ ...cli, a, b, top: f.top }));
        printResult(command.optsWithGlobals<GlobalOptions>(), cmp, renderComparison);
      }),
    );

  cmd(
    group,
    'calibration',
    "judges' agreement with reviewers' labels (κ / weighted κ, 95% interval, n); stored for the gate",
  )
    .option('--judge <name>', 'only this judge')
    .option('--criterion <name>', 'only this criterion')
    .option('--min-items <n>', 'fewer labelled items: uncalibrated', '30')
    .action(
      action(async (raw: unknown, command: Command) => {
        const f = parseFlags(calibrationFlags, raw);
        const { judgeCalibration } = await evals();
        const rows = await withEvals(command, (cli) =>
          judgeCalibration(cli, {
            ...(f.judge && { judge: f.judge }),
            ...(f.criterion && { criterion: f.criterion }),
            minItems: f.minItems,
          }),
        );
        printResult(command.optsWithGlobals<GlobalOptions>(), { calibrations: rows }, renderCalibration);
      }),
    );

  const datasets = group
    .command('datasets')
    .description('eval datasets (evals/<name>.jsonl): versions by content hash');
  datasets
    .command('list')
    .description('every dataset: rows, tags, content hash (or why it does not load)')
    .option('--datasets-dir <dir>', 'dataset folder (default: evals/ beside ragops.yaml)')
    .action(
      action(async (raw: unknown, command: Command) => {
        const f = parseFlags(common, raw);
        const list = await (await evals()).listEvalDatasets(datasetsDir(f.datasetsDir));
        printResult(command.optsWithGlobals<GlobalOptions>(), { datasets: list }, renderDatasets);
      }),
    );
  datasets
    .command('show <name>')
    .description('one dataset: content hash, tags, rows')
    .option('--datasets-dir <dir>', 'dataset folder (default: evals/ beside ragops.yaml)')
    .action(
      action(async (name: string, raw: unknown, command: Command) => {
        const f = parseFlags(common, raw);
        const { loadEvalDataset, evalDatasetPath } = await evals();
        if (!name) throw new InvalidInputError('name a dataset');
        const ds = await loadEvalDataset(evalDatasetPath(datasetsDir(f.datasetsDir), name));
        printResult(command.optsWithGlobals<GlobalOptions>(), ds, renderDataset);
      }),
    );
}

/** `--judge-model`, checked with the schema the REST body uses (@ragops/evals loads lazily, so here). */
function parseJudgeModel(schema: z.ZodType<string>, value: string): string {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InvalidInputError(`--judge-model: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}
