import {
  getChainSpec,
  InvalidInputError,
  loadRagopsSpec,
  type ModelVersion,
  parseThreeLevelName,
  RagopsError,
} from '@ragops/core';
import { syncGates } from '../gate/sync-gates.ts';
import { buildStep, copyStep, registerStep, sourceCatalog } from './pipeline-candidate.ts';
import { aliasStep, evaluateStep } from './pipeline-gates.ts';
import type { PipelineOptions } from './pipeline-options.ts';
import { type PipelineReport, type PipelineStep, type PipelineStepName, pipelineOutcome } from './pipeline-report.ts';

/** The model a pipeline registers: `--model`, else `<catalog>.<index schema>.<chain>`. */
function modelName(o: PipelineOptions, indexName: string, catalog: string): string {
  const model = o.model ?? `${catalog}.${parseThreeLevelName(indexName).schema}.${o.chain}`;
  try {
    parseThreeLevelName(model);
  } catch (error) {
    throw new InvalidInputError(
      `model name "${model}" is not catalog.schema.model: pass --model <catalog.schema.model>`,
      {
        cause: error,
      },
    );
  }
  return model;
}

/**
 * `ragops pipeline run <chain>`, the job a scheduler (cron, CI) runs: rebuild the chain's index
 * incrementally → register a version pinning the new index version (or, into a later catalog, copy
 * the previous catalog's champion) → evaluate on the gates' datasets → move `challenger`, then (with
 * `to: 'champion'`) `champion`, each through its gate. A rebuilt index is a challenger, evaluated
 * against the champion, before any serving alias moves to it (shadow re-index).
 *
 * Every step is idempotent, so a re-run after a failure at any step continues without duplicates:
 * an unchanged corpus writes no build, a version is found by its content (chain spec + index
 * version) or copy source, a run by version + dataset hash + judges (unfinished ones are resumed),
 * and an alias already on the candidate is left alone. Errors of a step are reported in its entry
 * (the run stops there); errors before the first step (spec, names) are thrown.
 * @example const report = await runPipeline({ ...ctx, home, specPath, chain: 'docs_qa', index, to: 'champion', datasetsDir, host })
 */
export async function runPipeline(o: PipelineOptions): Promise<PipelineReport> {
  const loaded = await loadRagopsSpec(o.specPath);
  const { indexName } = getChainSpec(loaded, o.chain);
  const buildCatalog = parseThreeLevelName(indexName).catalog;
  const catalog = o.catalog ?? buildCatalog;
  const model = modelName(o, indexName, catalog);
  const from = catalog === buildCatalog ? undefined : sourceCatalog(catalog, o.from);

  const steps: PipelineStep[] = [];
  const report = (version: ModelVersion | undefined): PipelineReport => ({
    chain: o.chain,
    model,
    catalog,
    to: o.to,
    version: version?.version ?? null,
    outcome: pipelineOutcome(steps, o.to),
    steps,
  });
  /** Runs one step; false when it failed (recorded, with the error's code and message). */
  const attempt = async (name: PipelineStepName, run: () => Promise<PipelineStep>): Promise<boolean> => {
    let step: PipelineStep;
    try {
      step = await run();
    } catch (error) {
      const code = RagopsError.isInstance(error) ? error.code : 'internal';
      const message = error instanceof Error ? error.message : String(error);
      step = { step: name, status: 'failed', summary: message, ids: {}, error: { code, message } };
    }
    steps.push(step);
    o.onProgress?.(`${step.step}: ${step.status} — ${step.summary}`);
    return step.status !== 'failed';
  };

  let version: ModelVersion | undefined;
  if (from === undefined) {
    let build: Awaited<ReturnType<typeof buildStep>>['build'] | undefined;
    const built = await attempt('build', async () => {
      const r = await buildStep(o, indexName);
      build = r.build;
      return r.step;
    });
    if (!built || !build) return report(version);
    const b = build;
    const registered = await attempt('register', async () => {
      const r = await registerStep(o, model, b);
      version = r.version;
      return r.step;
    });
    if (!registered) return report(version);
  } else {
    const copied = await attempt('copy', async () => {
      const r = await copyStep(o, model, from);
      version = r.version;
      return r.step;
    });
    if (!copied) return report(version);
  }
  const candidate = version!;
  // ragops.yaml is the source of truth for gates: this model's are synced (once it exists, as a gate
  // belongs to a model) before evidence is chosen or any alias moves.
  const gates = loaded.spec.gates?.[model];
  if (gates) await syncGates({ ...o, gates: { [model]: gates }, source: loaded.path });
  const aliases = o.to === 'champion' ? (['challenger', 'champion'] as const) : (['challenger'] as const);
  if (!(await attempt('evaluate', () => evaluateStep(o, candidate, aliases)))) return report(candidate);
  for (const alias of aliases) {
    if (!(await attempt(alias, () => aliasStep(o, candidate, alias)))) break;
  }
  return report(candidate);
}
