import { findEndpoint, type MetadataStore, type Principal, RagopsError, resolveModelUri } from '@ragops/core';
import type { ExternalCriteria, ExternalCriteriaRequest, GateCriterion } from '@ragops/evals';
import { splitTestReport } from './split-test-report.ts';

// Errors that mean "no usable split test" rather than a broken app: the decision records them.
const EVIDENCE_ERRORS = new Set(['not_found', 'permission_denied', 'invalid_input']);

function unavailable(q: ExternalCriteriaRequest, note: string): GateCriterion[] {
  const s = q.splitTest;
  return [
    {
      criterion: `split_test:${s.endpoint}:${s.metric}`,
      dataset: null,
      value: null,
      interval: null,
      threshold: `arm ${s.candidate} vs ${s.control}: the split test says promote`,
      verdict: 'unavailable',
      note,
    },
  ];
}

/**
 * The promotion gate's split-test criterion (evals' `externalCriteria` hook), for the apps to pass to
 * `promote`: the candidate arm must serve the version being promoted (and the control arm the
 * alias's holder), else the test is about something else and counts as missing evidence; then
 * splitTestReport's recommendation decides: promote → pass, roll back → fail, keep collecting →
 * unavailable. Needs READ on the endpoint's models, as the report does.
 * @example await promote({ ...ctx, externalCriteria: splitTestGateEvidence(ctx), … })
 */
export function splitTestGateEvidence(ctx: { store: MetadataStore; actor: Principal }): ExternalCriteria {
  return async (q) => {
    const s = q.splitTest;
    try {
      const endpoint = await findEndpoint(ctx.store, s.endpoint);
      if (!endpoint) return unavailable(q, `endpoint "${s.endpoint}" not found`);
      const served = async (arm: string) => {
        const entity = endpoint.config.served.find((e) => e.name === arm);
        return entity && (await resolveModelUri({ store: ctx.store, actor: ctx.actor, uri: entity.model }));
      };
      const candidate = await served(s.candidate);
      if (candidate?.fullName !== q.model || candidate.version !== q.candidate.version) {
        const what = candidate ? `serves ${candidate.uri}` : 'is not an arm of it';
        return unavailable(
          q,
          `arm "${s.candidate}" of endpoint "${s.endpoint}" ${what}, not the candidate ${q.candidate.uri}`,
        );
      }
      // Without a holder the control arm is whatever the endpoint serves today (an alias arm may not resolve).
      const control = q.holder && (await served(s.control));
      if (q.holder && (control?.fullName !== q.model || control.version !== q.holder.version)) {
        const what = control ? `serves ${control.uri}` : 'is not an arm of it';
        return unavailable(q, `arm "${s.control}" of endpoint "${s.endpoint}" ${what}, not the holder ${q.holder.uri}`);
      }
      const rec = await splitTestReport(ctx, {
        endpoint: s.endpoint,
        control: s.control,
        candidate: s.candidate,
        primary: s.metric,
        alpha: s.alpha,
        // Only the candidate's (and the holder's) own evidence, whatever the arm served before.
        versions: { candidate: q.candidate.version, ...(q.holder && { control: q.holder.version }) },
        ...(s.since !== undefined && { since: s.since }),
        ...(s.latencyToleranceMs !== undefined && { latencyToleranceMs: s.latencyToleranceMs }),
        ...(s.costToleranceUsd !== undefined && { costToleranceUsd: s.costToleranceUsd }),
      });
      const c = rec.gateCriterion;
      return [{ ...c, note: `${rec.decision}: ${c.note}` }];
    } catch (error) {
      if (RagopsError.isInstance(error) && EVIDENCE_ERRORS.has(error.code)) return unavailable(q, error.message);
      throw error;
    }
  };
}
