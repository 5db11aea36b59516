import type { Judge, JudgeItem, JudgeVerdict } from '../judge.ts';
import { type OverlapScores, rougeL, tokenF1 } from './reference-overlap.ts';

const hasReference = (item: JudgeItem) => (item.referenceAnswer ?? '').trim() !== '';

function referenceJudge(name: string, score: (answer: string, reference: string) => OverlapScores): Judge {
  return {
    name,
    kind: 'heuristic',
    version: '1',
    applies: hasReference,
    judge: async (item): Promise<JudgeVerdict> => {
      const s = score(item.answer, item.referenceAnswer ?? '');
      return {
        ok: true,
        score: s.f1,
        rationale: `heuristic: precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)} over analysed terms`,
        raw: s,
      };
    },
  };
}

/** Heuristic: token F1 of the answer against the reference answer (needs `reference_answer`). */
export function createTokenF1Judge(): Judge {
  return referenceJudge('token_f1', tokenF1);
}

/** Heuristic: ROUGE-L F1 of the answer against the reference answer (needs `reference_answer`). */
export function createRougeLJudge(): Judge {
  return referenceJudge('rouge_l', rougeL);
}
