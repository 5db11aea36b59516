import { dirname, join } from 'node:path';
import { type ErrorCode, getChainSpec, identifierSchema, loadRagopsSpec, resolveProviderSettings } from '@ragops/core';
import type { GateDecision, PipelineReport } from '@ragops/evals';
import type { Command } from 'commander';
import { z } from 'zod';
import { cliContext } from '../cli-context.ts';
import { EXIT_CODE_BY_ERROR, EXIT_GATE_BLOCKED } from '../exit-codes.ts';
import { printResult } from '../output.ts';
import { action, type GlobalOptions } from '../program.ts';
import { evalsChainHost } from './evals-chain-host.ts';
import { indexDefinitionFromSpec } from './index-spec.ts';
import { renderDecision } from './promote.ts';
import { addHomeOption, parseFlags, resolvePath, resolveSpec, table, withRegistry } from './registry-cli.ts';

// The evals package and the RAG runtime load only when a pipeline runs (`ragops --help` never pays).
const evals = () => import('@ragops/evals');

const flags = z.object({
  home: z.string().min(1).optional(),
  catalog: identifierSchema.optional(),
  from: identifierSchema.optional(),
  model: z.string().min(1).max(200).optional(),
  to: z.enum(['challenger', 'champion']).default('champion'),
  full: z.boolean().optional(),
  spec: z.string().min(1).optional(),
  datasetsDir: z.string().min(1).optional(),
  concurrency: z.coerce.number().int().min(1).max(64).default(4),
  // Checked against the evals package's judgeModelSchema once it is loaded.
  judgeModel: z.string().optional(),
});

/** The steps as a table, then the decision table of every alias step that decided. */
function renderReport(r: PipelineReport & { decisions: GateDecision[] }): string {
  const head = `pipeline ${r.chain} → ${r.model}@${r.to}: ${r.outcome.toUpperCase()}${r.version === null ? '' : ` (version ${r.version})`}`;
  const steps = table(
    ['STEP', 'STATUS', 'SUMMARY'],
    r.steps.map((s) => [s.step, s.status, s.summary]),
  );
  return [head, steps, ...r.decisions.map(renderDecision)].join('\n\n');
}

/** `ragops pipeline run <chain>`: rebuild → register (or copy) → evaluate → challenger → champion. */
export function registerPipelineCommands(pipeline: Command): void {
  addHomeOption(
    pipeline
      .command('run <chain>')
      .description(
        'rebuild the chain’s index, register (or copy) a version, evaluate it, promote it through the gates; idempotent, for cron/CI',
      ),
  )
    .option('--catalog <name>', 'the catalog to end in (default: the index’s; another copies @champion of --from)')
    .option(
      '--from <catalog>',
      'where a copy comes from (default: the catalog before --catalog in dev → staging → prod)',
    )
    .option('--model <catalog.schema.model>', 'the model (default: <catalog>.<index schema>.<chain>)')
    .option('--to <alias>', 'challenger, or champion (through challenger first)', 'champion')
    .option('--full', 're-chunk and re-embed everything (after a chunker or embedder change in the spec)')
    .option('--spec <file>', 'the spec (default: the project ragops.yaml)')
    .option('--datasets-dir <dir>', 'dataset folder (default: evals/ beside the spec)')
    .option('--concurrency <n>', 'rows in flight when evaluating', '4')
    .option('--judge-model <provider/model>', 'the judge model of LLM judges a gate names (a provider of ragops.yaml)')
    .action(
      action(async (chain: string, raw: unknown, cmd: Command) => {
        const f = parseFlags(flags, raw);
        const globals = cmd.optsWithGlobals<GlobalOptions>();
        const { runPipeline, getGateDecision, judgeModelSchema, resolveJudgeModel } = await evals();
        const { ragopsMigrationSets, splitTestGateEvidence } = await import('@ragops/monitoring');
        const { judgeModel } = parseFlags(z.object({ judgeModel: judgeModelSchema.optional() }), {
          judgeModel: f.judgeModel,
        });
        const { env, stderr } = cliContext();
        const specPath = resolveSpec(f.spec);
        const loaded = await loadRagopsSpec(specPath);
        const index = await indexDefinitionFromSpec(getChainSpec(loaded, chain).indexName, specPath);
        const settings = resolveProviderSettings({ spec: loaded.spec.providers, specPath, env });
        const result = await withRegistry(
          cmd,
          async (cli) => {
            const host = await evalsChainHost(cli, settings);
            const report = await runPipeline({
              ...cli,
              specPath,
              chain,
              index,
              to: f.to,
              datasetsDir: f.datasetsDir ? resolvePath(f.datasetsDir) : join(dirname(specPath), 'evals'),
              host,
              ...(judgeModel !== undefined && { judgeModel: resolveJudgeModel(host, judgeModel, '--judge-model') }),
              env,
              externalCriteria: splitTestGateEvidence(cli),
              concurrency: f.concurrency,
              onProgress: (line) => stderr.write(`pipeline: ${line}\n`),
              ...(f.catalog !== undefined && { catalog: f.catalog }),
              ...(f.from !== undefined && { from: f.from }),
              ...(f.model !== undefined && { model: f.model }),
              ...(f.full && { full: true }),
            });
            const ids = report.steps.flatMap((s) => (s.decision ? [s.decision.id] : []));
            const decisions = await Promise.all(ids.map((id) => getGateDecision({ ...cli, id })));
            return { report, decisions };
          },
          { migrationSets: await ragopsMigrationSets() },
        );
        printResult(globals, result.report, (r) => renderReport({ ...r, decisions: result.decisions }));
        const failed = result.report.steps.find((s) => s.status === 'failed');
        if (result.report.outcome === 'blocked') cliContext().exitCode = EXIT_GATE_BLOCKED;
        else if (failed?.error) {
          stderr.write(`error: ${failed.step}: ${failed.error.message}\n`);
          const code = failed.error.code as ErrorCode;
          cliContext().exitCode = EXIT_CODE_BY_ERROR[code] ?? 1;
        }
      }),
    );
}
