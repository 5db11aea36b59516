import type { DecisionOutcome } from '../gate/gate-decision.ts';

/** The steps of `ragops pipeline run`, in order (a copy replaces `build` + `register` by `copy`). */
export const PIPELINE_STEPS = ['build', 'register', 'copy', 'evaluate', 'challenger', 'champion'] as const;
export type PipelineStepName = (typeof PIPELINE_STEPS)[number];

/** `done`: it changed something; `skipped`: what it would make exists already; `failed`: it stopped the run. */
export type PipelineStepStatus = 'done' | 'skipped' | 'failed';

export type PipelineStep = {
  step: PipelineStepName;
  status: PipelineStepStatus;
  /** One line for people (the progress line on stderr). */
  summary: string;
  /** What the step made or found: build and table version, model version, run ids, decision id. */
  ids: Record<string, string | number | string[]>;
  /** A gate decision of the alias steps: blocked is `failed` here, and the run's outcome says `blocked`. */
  decision?: { id: string; outcome: DecisionOutcome; moved: boolean };
  error?: { code: string; message: string };
};

/**
 * What a pipeline run did: `promoted` (the target alias moved to the candidate), `unchanged`
 * (the target alias held the candidate already), `blocked` (a gate said no: evidence, not an
 * error), `failed` (a step threw; re-running resumes without duplicating what earlier steps made).
 */
export type PipelineOutcome = 'promoted' | 'unchanged' | 'blocked' | 'failed';

export type PipelineReport = {
  chain: string;
  model: string;
  catalog: string;
  to: 'challenger' | 'champion';
  /** The candidate version (null when the run failed before it had one). */
  version: number | null;
  outcome: PipelineOutcome;
  steps: PipelineStep[];
};

/** The run's outcome from its steps and the alias it was to move. */
export function pipelineOutcome(steps: readonly PipelineStep[], to: PipelineReport['to']): PipelineOutcome {
  const failed = steps.find((s) => s.status === 'failed');
  if (failed) return failed.decision ? 'blocked' : 'failed';
  return steps.some((s) => s.step === to && s.status === 'done') ? 'promoted' : 'unchanged';
}
