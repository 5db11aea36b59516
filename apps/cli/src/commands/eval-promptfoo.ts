import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadRagopsSpec, resolveProviderSettings } from '@ragops/core';
import type { Command } from 'commander';
import { z } from 'zod';
import { cliContext } from '../cli-context.ts';
import { printResult } from '../output.ts';
import { action, type GlobalOptions } from '../program.ts';
import { renderRun } from './eval-render.ts';
import { evalsChainHost } from './evals-chain-host.ts';
import { parseFlags, type RegistryCli, resolvePath, resolveSpec } from './registry-cli.ts';

// promptfoo (~2 s to import) loads inside runPromptfooEval only, never when this module loads.
const evals = () => import('@ragops/evals');
const rag = () => import('@ragops/rag');

const flags = z.object({
  home: z.string().min(1).optional(),
  datasetsDir: z.string().min(1).optional(),
  dataset: z.string().min(1),
  config: z.string().min(1).optional(),
  // Checked against evals' judgeModelSchema once that package is loaded (it loads only in the action).
  judgeModel: z.string().optional(),
  concurrency: z.coerce.number().int().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1_000_000).optional(),
  timeoutMs: z.coerce.number().int().min(1).max(3_600_000).default(60_000),
  spec: z.string().min(1).optional(),
});

/** What `ragops eval promptfoo` borrows from the other eval commands. */
export type EvalCommandHelpers = {
  datasetsDir(flag: string | undefined): string;
  interruptSignal(): { signal: AbortSignal; dispose: () => void };
  withEvals<T>(command: Command, fn: (cli: RegistryCli) => Promise<T>): Promise<T>;
};

/** `ragops eval promptfoo <model-uri> --dataset <name> [--config promptfooconfig.yaml] [--judge-model p/m]`. */
export function registerEvalPromptfooCommand(command: Command, helpers: EvalCommandHelpers): void {
  command
    .requiredOption('--dataset <name>', 'dataset name: evals/<name>.jsonl (its rows are the tests)')
    .option('--config <file>', 'promptfoo config: prompts, defaultTest.assert (default: evals/promptfooconfig.yaml)')
    .option('--judge-model <provider/model>', 'grading model of model-graded assertions (a provider of ragops.yaml)')
    .option('--concurrency <n>', 'rows in flight at once (default: the config, else 4)')
    .option('--limit <n>', 'only the first n rows of the dataset')
    .option('--timeout-ms <ms>', 'budget per chain call', '60000')
    .option('--spec <file>', 'the spec whose providers: configure LLMs (default: the project ragops.yaml)')
    .action(
      action(async (modelUri: string, raw: unknown, cmd: Command) => {
        const f = parseFlags(flags, raw);
        const globals = cmd.optsWithGlobals<GlobalOptions>();
        const { env } = cliContext();
        const dir = helpers.datasetsDir(f.datasetsDir);
        const { loadEvalDataset, evalDatasetPath, loadPromptfooConfig, runPromptfooEval, judgeModelSchema } =
          await evals();
        const { judgeModel } = parseFlags(z.object({ judgeModel: judgeModelSchema.optional() }), {
          judgeModel: f.judgeModel,
        });
        const dataset = await loadEvalDataset(evalDatasetPath(dir, f.dataset));
        const config = await loadPromptfooConfig(f.config ? resolvePath(f.config) : join(dir, 'promptfooconfig.yaml'));
        const specFile = resolveSpec(f.spec);
        const spec = f.spec !== undefined || existsSync(specFile) ? await loadRagopsSpec(specFile) : undefined;
        const settings = resolveProviderSettings({ spec: spec?.spec.providers, specPath: specFile, env });
        const { createLanguageModelResolver, HashEmbedder } = await rag();
        // Captured before the run's outbound guard: the chain's and the judge's configured hosts stay reachable.
        const fetch = globalThis.fetch.bind(globalThis);
        const run = await helpers.withEvals(cmd, async (cli) => {
          const host = await evalsChainHost(cli, settings, fetch);
          let grader: ReturnType<ReturnType<typeof createLanguageModelResolver>> | undefined;
          if (judgeModel) {
            const [provider, ...model] = judgeModel.split('/');
            grader = createLanguageModelResolver(settings.providers, { fetch })(provider!, model.join('/'));
          }
          const interrupt = helpers.interruptSignal();
          try {
            return await runPromptfooEval({
              ...cli,
              host,
              modelUri,
              dataset,
              config,
              home: cli.home,
              ...(grader && { grader, embedder: new HashEmbedder() }),
              ...(f.limit !== undefined && { limit: f.limit }),
              ...(f.concurrency !== undefined && { concurrency: f.concurrency }),
              timeoutMs: f.timeoutMs,
              abortSignal: interrupt.signal,
            });
          } finally {
            interrupt.dispose();
          }
        });
        printResult(globals, run, renderRun);
      }),
    );
}
