import type { MetadataStore, Principal } from '@ragops/core';
import { readJudgeCalibrations } from '../calibration/calibration-store.ts';
import { feedbackStats } from '../feedback/feedback-stats.ts';
import type { RunJudge } from '../runs/eval-run-schemas.ts';
import type { HumanEvidence, JudgeCalibrationLookup } from './evaluate-gate.ts';

/**
 * The gate's human evidence and judge calibration, read from what the feedback module stores:
 * reviewer feedback on the candidate version (never end-user ratings: they are not pooled) and the
 * stored `judge_calibrations` (computed by `ragops eval calibration`). A judge counts when every
 * stored calibration of its name × version × model is calibrated; with none stored it is unknown
 * (the gate then does not count an LLM judge and says why).
 */
export function storedGateEvidence(ctx: { store: MetadataStore; actor: Principal }): {
  humanEvidence: (q: { modelName: string; version: number }) => Promise<HumanEvidence>;
  judgeCalibration: (judges: readonly RunJudge[]) => Promise<JudgeCalibrationLookup>;
} {
  return {
    async humanEvidence({ modelName, version }) {
      const stats = await feedbackStats(ctx, { modelName, version, source: 'reviewer' });
      return { available: true, count: stats.count, approval: stats.approval };
    },
    async judgeCalibration(judges) {
      const stored = await readJudgeCalibrations(ctx.store);
      const byJudge = new Map<string, typeof stored>();
      for (const c of stored) {
        const key = judgeKey(c.judge, c.judgeVersion, c.judgeModel ?? undefined);
        byJudge.set(key, [...(byJudge.get(key) ?? []), c]);
      }
      const wanted = new Set(judges.map((j) => judgeKey(j.name, j.version, j.model)));
      return (judge) => {
        const key = judgeKey(judge.name, judge.version, judge.model);
        const rows = wanted.has(key) ? byJudge.get(key) : undefined;
        if (!rows?.length) return undefined;
        const failed = rows.filter((r) => !r.calibrated);
        return failed.length === 0
          ? { calibrated: true, reason: rows.map((r) => `${r.criterion}: ${r.reason}`).join('; ') }
          : { calibrated: false, reason: failed.map((r) => `${r.criterion}: ${r.reason}`).join('; ') };
      };
    },
  };
}

function judgeKey(name: string, version: string, model: string | undefined): string {
  return `${name}\u0000${version}\u0000${model ?? ''}`;
}
