import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatThreeLevelName,
  loadRagopsSpec,
  parseModelUri,
  parseThreeLevelName,
  resolveProviderSettings,
} from '@ragops/core';
import type { GateDecision } from '@ragops/evals';
import type { Command } from 'commander';
import { z } from 'zod';
import { cliContext } from '../cli-context.ts';
import { EXIT_GATE_BLOCKED } from '../exit-codes.ts';
import { printResult } from '../output.ts';
import { action, type GlobalOptions } from '../program.ts';
import { evalsChainHost } from './evals-chain-host.ts';
import {
  addHomeOption,
  parseFlags,
  type RegistryCli,
  resolvePath,
  resolveSpec,
  table,
  withRegistry,
} from './registry-cli.ts';

// The evals package and the RAG runtime load only when a promote runs (`ragops --help` never pays).
const evals = () => import('@ragops/evals');
// Monitoring answers the gate's split-test criterion (evals does not read monitoring).
const monitoring = () => import('@ragops/monitoring');

const flags = z.object({
  home: z.string().min(1).optional(),
  to: z.string().min(1).max(64),
  runMissing: z.boolean().optional(),
  reason: z.string().max(2000).optional(),
  spec: z.string().min(1).optional(),
  datasetsDir: z.string().min(1).optional(),
  concurrency: z.coerce.number().int().min(1).max(64).default(4),
});

/**
 * Syncs the project spec's `gates:` of `model` into the store (ragops.yaml is the source of truth for
 * gates), when there is a spec. Used before any alias move the CLI makes, so a gate edited in the spec
 * holds from the next command on. Only the model being moved: the others may not be registered yet
 * (a gate belongs to a model), and moving one alias needs MANAGE on that model alone. Returns the
 * spec (undefined without one).
 */
export async function syncProjectGates(cli: RegistryCli, specFlag: string | undefined, model: string) {
  const file = resolveSpec(specFlag);
  if (specFlag === undefined && !existsSync(file)) return undefined;
  const loaded = await loadRagopsSpec(file);
  const name = formatThreeLevelName(parseThreeLevelName(model));
  const gates = loaded.spec.gates?.[name];
  if (gates) {
    const { syncGates } = await evals();
    await syncGates({ ...cli, gates: { [name]: gates }, source: loaded.path });
  }
  return loaded;
}

const num = (x: number | null | undefined) => (x === null || x === undefined ? '—' : Number(x.toFixed(4)).toString());

/** The decision table: criterion, dataset, value, interval, threshold, verdict, note. */
export function renderDecision(d: GateDecision): string {
  const head = `${d.id}: models:/${d.model}/${d.candidateVersion} → @${d.alias} (holder ${d.holderVersion ?? 'none'}): ${d.outcome.toUpperCase()}${d.moved ? ', alias moved' : ', alias not moved'}`;
  const rows = d.criteria.map((c) => [
    c.criterion,
    c.dataset ?? '',
    num(c.value),
    c.interval ? `[${num(c.interval.low)}, ${num(c.interval.high)}]` : '',
    c.threshold,
    c.verdict,
    c.note,
  ]);
  const body = rows.length
    ? `\n${table(['CRITERION', 'DATASET', 'VALUE', 'INTERVAL', 'THRESHOLD', 'VERDICT', 'NOTE'], rows)}`
    : '';
  return `${head}${body}${d.note ? `\n${d.note}` : ''}`;
}

/** `ragops promote <model URI> --to <alias> [--run-missing]`: the promotion gate. */
export function registerPromoteCommands(command: Command): void {
  addHomeOption(command)
    .argument('<model-uri>', 'the candidate: models:/catalog.schema.model/<version>')
    .requiredOption('--to <alias>', 'the alias to move (champion, challenger, …)')
    .option('--run-missing', 'evaluate the candidate and the current holder on required datasets without evidence')
    .option('--reason <text>', 'why (recorded with the decision and the alias move)')
    .option('--spec <file>', 'the spec whose gates: and providers: apply (default: the project ragops.yaml)')
    .option('--datasets-dir <dir>', 'dataset folder (default: evals/ beside ragops.yaml)')
    .option('--concurrency <n>', 'rows in flight when evaluating', '4')
    .action(
      action(async (modelUri: string, raw: unknown, cmd: Command) => {
        const f = parseFlags(flags, raw);
        const globals = cmd.optsWithGlobals<GlobalOptions>();
        const {
          promote,
          loadEvalDataset,
          evalDatasetPath,
          createJudges,
          createEvalRun,
          runEval,
          StoreVerdictCache,
          storedGateEvidence,
        } = await evals();
        const { ragopsMigrationSets, splitTestGateEvidence } = await monitoring();
        const { root, env, stderr } = cliContext();
        const dir = f.datasetsDir ? resolvePath(f.datasetsDir) : join(root.dir ?? root.cwd, 'evals');
        const decision = await withRegistry(
          cmd,
          async (cli) => {
            const loaded = await syncProjectGates(cli, f.spec, formatThreeLevelName(parseModelUri(modelUri).name));
            const loadDataset = (name: string) => loadEvalDataset(evalDatasetPath(dir, name));
            let runMissing: Parameters<typeof promote>[0]['runMissing'];
            if (f.runMissing) {
              const settings = resolveProviderSettings({
                spec: loaded?.spec.providers,
                specPath: resolveSpec(f.spec),
                env,
              });
              const host = await evalsChainHost(cli, settings);
              runMissing = async ({ versionUri, dataset, judges }) => {
                // Retrieval metrics without @k take 5 on both sides, so candidate and holder pair up.
                const js = createJudges({ names: judges.split(','), k: 5, cache: new StoreVerdictCache(cli.store) });
                const run = await createEvalRun({ ...cli, modelUri: versionUri, dataset, judges: js });
                if (!globals.json)
                  stderr.write(`evaluating ${run.versionUri} on ${dataset.name} (${run.rowsTotal} rows): ${run.id}\n`);
                await runEval({ host, store: cli.store, run, dataset, judges: js, concurrency: f.concurrency });
              };
            }
            return promote({
              ...cli,
              // Reviewer labels on the candidate and the stored judge calibrations (feedback module).
              ...storedGateEvidence(cli),
              externalCriteria: splitTestGateEvidence(cli),
              modelUri,
              alias: f.to,
              loadDataset,
              ...(runMissing && { runMissing }),
              ...(f.reason !== undefined && { reason: f.reason }),
            });
          },
          { migrationSets: await ragopsMigrationSets() },
        );
        printResult(globals, decision, renderDecision);
        // Blocked: the command worked and the evidence said no (exit 3). Lost to a concurrent promote: 1.
        if (decision.outcome === 'blocked') cliContext().exitCode = EXIT_GATE_BLOCKED;
        else if (!decision.moved && decision.note?.startsWith('not moved')) cliContext().exitCode = 1;
      }),
    );
}
