import {
  aliasGateName,
  findAliasGate,
  type GatePolicy,
  gatePolicySchema,
  type ModelVersion,
  parseInput,
} from '@ragops/core';
import { type EvalDataset, evalDatasetPath, loadEvalDataset } from '../datasets/load-eval-dataset.ts';
import { findAliasHolder, promote } from '../gate/promote.ts';
import { storedGateEvidence } from '../gate/stored-gate-evidence.ts';
import { createJudges } from '../judges/create-judges.ts';
import { StoreVerdictCache } from '../store/store-verdict-cache.ts';
import { ensureEvalRun } from './ensure-eval-run.ts';
import type { PipelineOptions } from './pipeline-options.ts';
import type { PipelineStep } from './pipeline-report.ts';

type AliasStep = 'challenger' | 'champion';

/** The stored policies of the aliases the run moves (synced from ragops.yaml before), by alias. */
async function policiesOf(o: PipelineOptions, model: string, aliases: readonly AliasStep[]) {
  const out: { alias: AliasStep; policy: GatePolicy }[] = [];
  for (const alias of aliases) {
    const gate = await findAliasGate(o.store, model, alias);
    if (gate) {
      const where = `${aliasGateName(model, alias)} (stored policy)`;
      out.push({ alias, policy: parseInput(gatePolicySchema, gate.policy, where) });
    }
  }
  return out;
}

/** Datasets by name at their current content, each read once per run. */
function datasetLoader(dir: string): (name: string) => Promise<EvalDataset> {
  const cache = new Map<string, Promise<EvalDataset>>();
  return (name) => {
    const d = cache.get(name) ?? loadEvalDataset(evalDatasetPath(dir, name));
    cache.set(name, d);
    return d;
  };
}

/**
 * The evidence the gates of `aliases` need, made at most once: the candidate on every required
 * dataset, and each alias's current holder where the gate compares against it (no regression), with
 * the gate's judges (retrieval metrics without @k take 5 on both sides, as `promote --run-missing`).
 */
export async function evaluateStep(
  o: PipelineOptions,
  candidate: ModelVersion,
  aliases: readonly AliasStep[],
): Promise<PipelineStep> {
  const gated = await policiesOf(o, candidate.fullName, aliases);
  if (gated.length === 0) {
    return {
      step: 'evaluate',
      status: 'skipped',
      summary: `no gate on ${aliases.join(' or ')}: no evidence required`,
      ids: {},
    };
  }
  const load = datasetLoader(o.datasetsDir);
  const cache = new StoreVerdictCache(o.store);
  const needs = new Map<string, { version: ModelVersion; dataset: string; judges: string }>();
  for (const { alias, policy } of gated) {
    const holder = policy.noRegression ? await findAliasHolder(o, candidate.fullName, alias) : null;
    const versions = [candidate, ...(holder && holder.version !== candidate.version ? [holder] : [])];
    for (const version of versions) {
      for (const dataset of policy.datasets) {
        needs.set(`${version.version}|${dataset}|${policy.judges}`, { version, dataset, judges: policy.judges });
      }
    }
  }
  const runs: string[] = [];
  let made = 0;
  for (const need of needs.values()) {
    const dataset = await load(need.dataset);
    const judges = createJudges({
      names: need.judges.split(','),
      k: 5,
      cache,
      ...(o.judgeModel && { llm: o.judgeModel }),
    });
    const { run, how } = await ensureEvalRun({ ...o, version: need.version, dataset, judges });
    o.onProgress?.(
      `  ${how === 'reused' ? 'reused' : how === 'resumed' ? 'resumed' : 'ran'} ${run.id}: ${need.version.uri} on ${dataset.name} (${run.rowsTotal} rows)`,
    );
    runs.push(run.id);
    if (how !== 'reused') made++;
  }
  const summary = `${runs.length} run(s) on ${[...new Set([...needs.values()].map((n) => n.dataset))].join(', ')}: ${made} made, ${runs.length - made} reused`;
  return { step: 'evaluate', status: made > 0 ? 'done' : 'skipped', summary, ids: { runs } };
}

/**
 * Moves `alias` to the candidate through its gate (`promote` on the stored runs; an ungated alias
 * moves as a plain set would). An alias that holds the candidate already is skipped: no decision.
 */
export async function aliasStep(o: PipelineOptions, candidate: ModelVersion, alias: AliasStep): Promise<PipelineStep> {
  const holder = await findAliasHolder(o, candidate.fullName, alias);
  if (holder?.version === candidate.version) {
    return {
      step: alias,
      status: 'skipped',
      summary: `@${alias} is ${candidate.uri} already`,
      ids: { uri: candidate.uri },
    };
  }
  const d = await promote({
    ...o,
    ...storedGateEvidence(o),
    ...(o.externalCriteria && { externalCriteria: o.externalCriteria }),
    modelUri: candidate.uri,
    alias,
    loadDataset: datasetLoader(o.datasetsDir),
    reason: `pipeline run ${o.chain}`,
  });
  const failing = d.criteria.filter((c) => c.verdict !== 'pass').map((c) => `${c.criterion} (${c.verdict})`);
  // A concurrent pipeline with the same candidate won the move (its decision moved the alias, this
  // one's found it moved): the alias is where this run wanted it, so the step is skipped, not failed.
  if (!d.moved && (await findAliasHolder(o, candidate.fullName, alias))?.version === candidate.version) {
    return {
      step: alias,
      status: 'skipped',
      summary: `@${alias} is ${candidate.uri} already (moved by a concurrent run; decision ${d.id})`,
      ids: { uri: candidate.uri, decision: d.id },
      decision: { id: d.id, outcome: d.outcome, moved: d.moved },
    };
  }
  const summary = d.moved
    ? `@${alias} → ${candidate.uri} (${d.outcome}, decision ${d.id})`
    : `@${alias} not moved: ${d.outcome}${failing.length ? ` on ${failing.join(', ')}` : ''}${d.note ? `; ${d.note}` : ''} (decision ${d.id})`;
  return {
    step: alias,
    status: d.moved ? 'done' : 'failed',
    summary,
    ids: { uri: candidate.uri, decision: d.id },
    decision: { id: d.id, outcome: d.outcome, moved: d.moved },
  };
}
