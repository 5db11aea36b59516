import type { Judge, JudgeItem, JudgeVerdict } from '../judge.ts';
import { type AnswerSentence, splitAnswerSentences } from './answer-sentences.ts';
import { MIN_CLAIM_TERMS, SUPPORT_THRESHOLD, supportFraction, termSet } from './term-overlap.ts';

type Claim = AnswerSentence & { terms: Set<string> };

// "I could not find this in the documentation." (our answer prompt), "I could not find anything
// relevant … so I cannot answer it." (the extractive answerer): declining is not a claim.
const DECLINE = /\b(?:could not|couldn't|cannot|can't|did not|didn't) find\b/i;

/**
 * Answer sentences that claim something: at least MIN_CLAIM_TERMS distinct terms, and not a
 * decline (an answer that only declines makes no claim, so support does not apply to it).
 */
function claimsOf(answer: string): Claim[] {
  return splitAnswerSentences(answer)
    .filter((s) => !DECLINE.test(s.text))
    .map((s) => ({ ...s, terms: termSet(s.text) }))
    .filter((s) => s.terms.size >= MIN_CLAIM_TERMS);
}

const version = (threshold: number) => `1;t=${threshold}`;

/**
 * Heuristic: the fraction of answer sentences supported by some retrieved passage, a sentence being
 * supported when one passage holds at least `threshold` of its distinct terms. Applies when the
 * answer makes at least one claim (a decline such as "I could not find this …" is not one).
 */
export function createSentenceSupportJudge(options: { threshold?: number } = {}): Judge {
  const threshold = options.threshold ?? SUPPORT_THRESHOLD;
  return {
    name: 'sentence_support',
    kind: 'heuristic',
    version: version(threshold),
    applies: (item: JudgeItem) => claimsOf(item.answer).length > 0,
    judge: async (item): Promise<JudgeVerdict> => {
      const claims = claimsOf(item.answer);
      if (claims.length === 0) return { ok: false, error: 'the answer makes no claim to check' };
      const passages = item.contexts.map((c) => termSet(c.text));
      const unsupported = claims.filter((s) => !passages.some((p) => supportFraction(s.terms, p) >= threshold));
      const supported = claims.length - unsupported.length;
      return {
        ok: true,
        score: supported / claims.length,
        rationale: `heuristic: ${supported} of ${claims.length} sentences share ≥ ${threshold} of their terms with a passage`,
        raw: { sentences: claims.length, supported, unsupported: unsupported.map((s) => s.text) },
      };
    },
  };
}

/**
 * Heuristic: the fraction of `[n]` citations that are valid: passage n was retrieved and holds at
 * least `threshold` of the distinct terms of the sentence that cites it. Applies when the answer
 * cites anything.
 */
export function createCitationValidityJudge(options: { threshold?: number } = {}): Judge {
  const threshold = options.threshold ?? SUPPORT_THRESHOLD;
  const cited = (answer: string) => splitAnswerSentences(answer).filter((s) => s.citations.length > 0);
  return {
    name: 'citation_validity',
    kind: 'heuristic',
    version: version(threshold),
    applies: (item: JudgeItem) => cited(item.answer).length > 0,
    judge: async (item): Promise<JudgeVerdict> => {
      const byNumber = new Map(item.contexts.map((c) => [c.n, termSet(c.text)]));
      const invalid: { n: number; sentence: string; why: 'not retrieved' | 'not supported' }[] = [];
      let total = 0;
      for (const s of cited(item.answer)) {
        const terms = termSet(s.text);
        for (const n of new Set(s.citations)) {
          total++;
          const passage = byNumber.get(n);
          if (passage === undefined) invalid.push({ n, sentence: s.text, why: 'not retrieved' });
          // A sentence too short to claim anything ("See [2].") only has to point at a real passage.
          else if (terms.size >= MIN_CLAIM_TERMS && supportFraction(terms, passage) < threshold)
            invalid.push({ n, sentence: s.text, why: 'not supported' });
        }
      }
      if (total === 0) return { ok: false, error: 'the answer cites nothing' };
      return {
        ok: true,
        score: (total - invalid.length) / total,
        rationale: `heuristic: ${total - invalid.length} of ${total} citations point to a retrieved passage holding ≥ ${threshold} of the sentence's terms`,
        raw: { citations: total, invalid },
      };
    },
  };
}
