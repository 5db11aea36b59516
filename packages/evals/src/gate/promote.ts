import { randomBytes } from 'node:crypto';
import {
  aliasGateName,
  findAliasGate,
  formatModelUri,
  gatePolicySchema,
  InvalidInputError,
  type ModelVersion,
  parseInput,
  parseThreeLevelName,
  RagopsError,
  recordLineageLink,
  resolveModelUri,
  setAlias,
  writeAudit,
} from '@ragops/core';
import type { EvalDataset } from '../datasets/load-eval-dataset.ts';
import type { RunJudge } from '../runs/eval-run-schemas.ts';
import type { EvalContext } from '../runs/eval-run-service.ts';
import { evaluateGate, type HumanEvidence, type JudgeCalibrationLookup } from './evaluate-gate.ts';
import type { ExternalCriteria, ExternalEvidence } from './external-criteria.ts';
import type { DecisionOutcome, GateCriterion, GateDecision } from './gate-decision.ts';
import { insertDecision, updateDecisionMove } from './gate-decision-store.ts';
import { collectEvidence } from './gate-evidence.ts';

/** The lineage relation from a model version to a promotion decision about it. */
export const GATE_DECISION_LINK = { kind: 'gate_decision', relation: 'promotion_decision' } as const;

/** Evidence the gate reads but does not own, injected by the app (feedback and calibration, the chain host). */
export type PromoteOptions = {
  /** Loads a required dataset by name at its current content (evals/<name>.jsonl). */
  loadDataset: (name: string) => Promise<EvalDataset>;
  /** With `--run-missing`: evaluates `versionUri` on `dataset` with the policy's `judges` (runEval via the chain host). */
  runMissing?: (need: { versionUri: string; dataset: EvalDataset; judges: string }) => Promise<void>;
  /** Reviewer evidence on a version (`feedbackStats(source: 'reviewer')`); absent: "evidence unavailable". */
  humanEvidence?: (q: { modelName: string; version: number }) => Promise<HumanEvidence>;
  /** Calibration of the judges that produced the evidence (`judgeCalibration`); absent: LLM judges are not counted. */
  judgeCalibration?: (judges: readonly RunJudge[]) => Promise<JudgeCalibrationLookup>;
  /** Asked when the policy names a split test (monitoring's `splitTestGateEvidence`); absent: unavailable, blocks. */
  externalCriteria?: ExternalCriteria;
};

/** The version `alias` of `model` points at, or null when the alias is not set. */
export async function findAliasHolder(
  ctx: Omit<EvalContext, 'requestId'>,
  model: string,
  alias: string,
): Promise<ModelVersion | null> {
  try {
    return await resolveModelUri({ store: ctx.store, actor: ctx.actor, uri: `models:/${model}@${alias}` });
  } catch (error) {
    if (RagopsError.isInstance(error) && error.code === 'not_found') return null;
    throw error;
  }
}

/**
 * Records a decision (audited, linked in lineage to the candidate) and, when it passed, moves the
 * alias conditionally on the holder it saw: of two concurrent promotes one moves the alias, the
 * other's decision says it lost (ConflictError is not thrown; read `moved` and `note`).
 */
async function decideAndMove(
  ctx: EvalContext,
  d: Omit<GateDecision, 'id' | 'moved' | 'note' | 'createdBy' | 'createdAt'>,
): Promise<GateDecision> {
  const decision: GateDecision = {
    ...d,
    id: `gd_${randomBytes(6).toString('hex')}`,
    moved: false,
    note: null,
    createdBy: ctx.actor.name,
    createdAt: new Date().toISOString(),
  };
  const versionUri = formatModelUri({ name: parseThreeLevelName(d.model), ref: { version: d.candidateVersion } });
  await ctx.store.transaction(async (tx) => {
    await insertDecision(tx, decision);
    await recordLineageLink(tx, { versionUri, ...GATE_DECISION_LINK, ref: decision.id });
    await writeAudit(tx, {
      actor: ctx.actor,
      requestId: ctx.requestId,
      action: d.outcome === 'override' ? 'promotion.override' : 'promotion.decide',
      objectType: 'gate_decision',
      objectName: decision.id,
      after: { model: versionUri, alias: d.alias, outcome: d.outcome, holder: d.holderVersion, runs: d.runIds },
      details: { reason: d.reason, gate: aliasGateName(d.model, d.alias) },
    });
  });
  if (d.outcome === 'blocked') return decision;
  let move: { moved: boolean; note: string | null } = { moved: true, note: null };
  if (d.holderVersion === d.candidateVersion) {
    move = { moved: false, note: `the alias already points at version ${d.candidateVersion}` };
  } else {
    try {
      await setAlias({
        store: ctx.store,
        actor: ctx.actor,
        requestId: ctx.requestId,
        name: d.model,
        alias: d.alias,
        version: d.candidateVersion,
        reason: d.reason || `gate decision ${decision.id}`,
        ...(d.outcome !== 'ungated' && {
          promotion: {
            decisionId: decision.id,
            expectedFromVersion: d.holderVersion,
            override: d.outcome === 'override',
          },
        }),
      });
    } catch (error) {
      if (!RagopsError.isInstance(error) || error.code !== 'conflict') throw error;
      move = { moved: false, note: `not moved: ${error.message}` };
    }
  }
  await ctx.store.transaction((tx) => updateDecisionMove(tx, decision.id, move));
  return { ...decision, ...move };
}

/**
 * `ragops promote <model URI> --to <alias>`: evaluates the alias's gate (ragops.yaml `gates:`, synced
 * to the store) on the candidate and the current holder, runs missing evaluations when
 * `runMissing` is given, stores the decision with its table, and moves the alias only on pass.
 * Needs MANAGE on the model. No gate → the alias moves as a plain set would (decision `ungated`).
 * @example const d = await promote({ store, actor, requestId, modelUri: 'models:/dev.s.m/4', alias: 'champion', loadDataset })
 */
export async function promote(
  ctx: EvalContext & PromoteOptions & { modelUri: string; alias: string; reason?: string },
): Promise<GateDecision> {
  const v = await resolveModelUri({ store: ctx.store, actor: ctx.actor, uri: ctx.modelUri, privilege: 'MANAGE' });
  const holder = await findAliasHolder(ctx, v.fullName, ctx.alias);
  const gate = await findAliasGate(ctx.store, v.fullName, ctx.alias);
  const base = {
    model: v.fullName,
    alias: ctx.alias,
    candidateVersion: v.version,
    holderVersion: holder?.version ?? null,
    reason: ctx.reason ?? '',
  };
  if (!gate) return decideAndMove(ctx, { ...base, policyHash: null, outcome: 'ungated', criteria: [], runIds: [] });
  const policy = parseInput(gatePolicySchema, gate.policy, `${aliasGateName(v.fullName, ctx.alias)} (stored policy)`);
  const datasets = await Promise.all(policy.datasets.map((name) => ctx.loadDataset(name)));
  const versions = [v, ...(holder && holder.version !== v.version ? [holder] : [])];
  const evidence = async (version: number) => collectEvidence(ctx.store, { model: v.fullName, version, datasets });
  if (ctx.runMissing) {
    for (const version of versions) {
      const have = await evidence(version.version);
      for (const dataset of datasets) {
        if (!have.has(dataset.name)) await ctx.runMissing({ versionUri: version.uri, dataset, judges: policy.judges });
      }
    }
  }
  const candidateRuns = await evidence(v.version);
  const holderRuns = holder ? await evidence(holder.version) : undefined;
  const judges = [...candidateRuns.values(), ...(holderRuns?.values() ?? [])].flatMap((e) => e.run.judges);
  const calibration: JudgeCalibrationLookup = ctx.judgeCalibration
    ? await ctx.judgeCalibration(judges)
    : () => undefined;
  const human: HumanEvidence = !policy.human
    ? { available: false, reason: 'not required' }
    : ctx.humanEvidence
      ? await ctx.humanEvidence({ modelName: v.fullName, version: v.version })
      : {
          available: false,
          reason: 'evidence unavailable: reviewer feedback (feedbackStats) is not wired into this app yet',
        };
  const split = policy.splitTest;
  const external: ExternalEvidence | undefined = !split
    ? undefined
    : ctx.externalCriteria
      ? {
          available: true,
          criteria: await ctx.externalCriteria({
            splitTest: split,
            model: v.fullName,
            alias: ctx.alias,
            candidate: { version: v.version, uri: v.uri },
            holder: holder ? { version: holder.version, uri: holder.uri } : null,
          }),
        }
      : { available: false, reason: 'evidence unavailable: the split test (monitoring) is not wired into this caller' };
  const criteria: GateCriterion[] = evaluateGate({
    policy,
    datasets,
    candidate: { version: v.version, runs: candidateRuns },
    holder: holder && holderRuns ? { version: holder.version, runs: holderRuns } : null,
    human,
    calibration,
    ...(external && { external }),
  });
  const outcome: DecisionOutcome = criteria.every((c) => c.verdict === 'pass') ? 'passed' : 'blocked';
  const runIds = [...candidateRuns.values(), ...(holderRuns?.values() ?? [])].map((e) => e.run.id);
  return decideAndMove(ctx, { ...base, policyHash: gate.policyHash, outcome, criteria, runIds: [...new Set(runIds)] });
}

/**
 * `--force --reason`: moves a gated alias without passing its gate, by a principal with MANAGE. The
 * override is a decision of its own (outcome `override`) and an audit row; the move itself is audited
 * as every alias move is. A reason is required.
 */
export async function forceAliasMove(
  ctx: EvalContext & { name: string; alias: string; version: number; reason: string },
): Promise<GateDecision> {
  if (ctx.reason.trim() === '')
    throw new InvalidInputError('--force needs --reason "<why>": an override is recorded with its reason');
  const v = await resolveModelUri({
    store: ctx.store,
    actor: ctx.actor,
    uri: formatModelUri({ name: parseThreeLevelName(ctx.name), ref: { version: ctx.version } }),
    privilege: 'MANAGE',
  });
  const holder = await findAliasHolder(ctx, v.fullName, ctx.alias);
  const gate = await findAliasGate(ctx.store, v.fullName, ctx.alias);
  return decideAndMove(ctx, {
    model: v.fullName,
    alias: ctx.alias,
    candidateVersion: v.version,
    holderVersion: holder?.version ?? null,
    policyHash: gate?.policyHash ?? null,
    outcome: gate ? 'override' : 'ungated',
    criteria: [],
    runIds: [],
    reason: ctx.reason,
  });
}
