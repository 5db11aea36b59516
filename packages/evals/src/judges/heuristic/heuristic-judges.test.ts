import { NOTHING_FOUND_ANSWER } from '@ragops/rag';
import { describe, expect, it } from 'vitest';
import { createJudges } from '../create-judges.ts';
import type { Judge, JudgeItem, JudgeVerdict } from '../judge.ts';
import { splitAnswerSentences } from './answer-sentences.ts';
import { createRougeLJudge, createTokenF1Judge } from './reference-judges.ts';
import { lcsLength, rougeL, tokenF1 } from './reference-overlap.ts';
import { createCitationValidityJudge, createSentenceSupportJudge } from './support-judges.ts';

const contexts = [
  { n: 1, documentId: 'registry.md', chunkId: 'r1', text: 'Model versions are immutable packages. Only tags change.' },
  { n: 2, documentId: 'serving.md', chunkId: 's1', text: 'Every served request lands in the inference table.' },
];
const item = (answer: string, extra: Partial<JudgeItem> = {}): JudgeItem => ({
  question: 'q',
  answer,
  contexts,
  ...extra,
});
const scoreOf = (v: JudgeVerdict) => (v.ok ? v.score : Number.NaN);

describe('splitAnswerSentences', () => {
  it('gives trailing and inline citation markers to their sentence', () => {
    expect(splitAnswerSentences('Versions are immutable. [1] Requests are logged [2][1]. Done!')).toEqual([
      { text: 'Versions are immutable.', citations: [1] },
      { text: 'Requests are logged.', citations: [2, 1] },
      { text: 'Done!', citations: [] },
    ]);
  });

  it('splits bullets on line breaks and hands a lone marker line to the sentence before', () => {
    expect(splitAnswerSentences('- a thing\n[3]\n- b 3.5 thing')).toEqual([
      { text: '- a thing', citations: [3] },
      { text: '- b 3.5 thing', citations: [] },
    ]);
  });

  it('reads [1234] and [x] as text, not citations', () => {
    expect(splitAnswerSentences('see [1234] and [x]')).toEqual([{ text: 'see [1234] and [x]', citations: [] }]);
  });
});

describe('tokenF1 and rougeL', () => {
  it('are 1 for the same text, 0 with nothing shared, and 1 when both are empty', () => {
    expect(tokenF1('aliases move', 'Aliases move.').f1).toBe(1);
    expect(tokenF1('aliases move', 'lance tables').f1).toBe(0);
    expect(tokenF1('', '').f1).toBe(1);
    expect(tokenF1('the', 'registry').f1).toBe(0); // only a stop word: nothing said
    expect(rougeL('aliases move', 'aliases move').f1).toBe(1);
  });

  it('count shared terms as a multiset (token F1) and in order (ROUGE-L)', () => {
    // answer terms: a b c d; reference terms: d c b a → 4 shared, LCS 1
    expect(tokenF1('alpha beta gamma delta', 'delta gamma beta alpha').f1).toBe(1);
    expect(rougeL('alpha beta gamma delta', 'delta gamma beta alpha').f1).toBe(0.25);
    // answer 2 terms (both in ref), reference 4 terms: P = 1, R = 0.5, F1 = 2/3
    const s = tokenF1('alpha beta', 'alpha beta gamma delta');
    expect(s).toEqual({ precision: 1, recall: 0.5, f1: 2 / 3 });
    expect(tokenF1('alpha alpha', 'alpha beta')).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5 });
  });

  it('lcsLength is the classic subsequence length', () => {
    expect(lcsLength([...'ABCBDAB'], [...'BDCABA'])).toBe(4);
    expect(lcsLength([], ['a'])).toBe(0);
  });

  it('judges apply only with a reference answer and are heuristics', async () => {
    for (const judge of [createTokenF1Judge(), createRougeLJudge()]) {
      expect(judge.kind).toBe('heuristic');
      expect(judge.applies(item('x'))).toBe(false);
      expect(judge.applies(item('x', { referenceAnswer: '  ' }))).toBe(false);
      const v = await judge.judge(item('alpha beta', { referenceAnswer: 'alpha beta gamma delta' }), {});
      expect(scoreOf(v)).toBeCloseTo(2 / 3, 12);
    }
  });
});

describe('sentence_support', () => {
  const judge = createSentenceSupportJudge();

  it('scores the fraction of claims some passage supports', async () => {
    const v = await judge.judge(
      item('Model versions are immutable packages. Served requests land in the inference table. The moon is cheese.'),
      {},
    );
    expect(scoreOf(v)).toBeCloseTo(2 / 3, 12);
    expect(v.ok && v.raw).toMatchObject({ sentences: 3, supported: 2, unsupported: ['The moon is cheese.'] });
  });

  it('holds a sentence to the stated threshold: sharing topic words is not support', async () => {
    // "model versions" (2 of 5 terms) appear in passage 1: 0.4 < 0.6
    expect(scoreOf(await judge.judge(item('Model versions expire after ninety days.'), {}))).toBe(0);
    const lenient = createSentenceSupportJudge({ threshold: 0.4 });
    expect(scoreOf(await lenient.judge(item('Model versions expire after ninety days.'), {}))).toBe(1);
    expect(lenient.version).not.toBe(judge.version);
  });

  it('does not apply to an answer without a checkable claim, such as a decline', async () => {
    expect(judge.applies(item('Yes.'))).toBe(false);
    expect(judge.applies(item('I could not find this in the documentation.'))).toBe(false);
    expect(judge.applies(item(NOTHING_FOUND_ANSWER))).toBe(false);
    // a decline next to a claim: only the claim is checked
    const v = await judge.judge(item("I couldn't find the price. Model versions are immutable packages."), {});
    expect(v).toMatchObject({ ok: true, score: 1, raw: { sentences: 1 } });
    expect(judge.applies(item('Versions are immutable.'))).toBe(true);
  });
});

describe('citation_validity', () => {
  const judge = createCitationValidityJudge();

  it('counts a citation valid when its passage was retrieved and holds the sentence', async () => {
    const v = await judge.judge(
      item('Model versions are immutable packages. [1] Every served request lands in the inference table. [1][2]'),
      {},
    );
    // [1] on sentence 1: valid; [1] on sentence 2: passage 1 lacks it; [2]: valid
    expect(scoreOf(v)).toBeCloseTo(2 / 3, 12);
    expect(v.ok && v.raw).toMatchObject({ citations: 3, invalid: [{ n: 1, why: 'not supported' }] });
  });

  it('refuses a citation of a passage that was not retrieved', async () => {
    const v = await judge.judge(item('Model versions are immutable packages. [7]'), {});
    expect(scoreOf(v)).toBe(0);
    expect(v.ok && v.raw).toMatchObject({ invalid: [{ n: 7, why: 'not retrieved' }] });
  });

  it('does not apply to an answer that cites nothing', () => {
    expect(judge.applies(item('Model versions are immutable packages.'))).toBe(false);
  });
});

describe('createJudges', () => {
  const names = (judges: Judge[]) => judges.map((j) => `${j.kind}:${j.name}`);

  it('expands groups, takes the spec k for bare retrieval names, and dedupes', () => {
    expect(names(createJudges({ names: ['offline', 'token_f1', 'recall', 'mrr@10'], k: 5 }))).toEqual([
      'heuristic:sentence_support',
      'heuristic:token_f1',
      'heuristic:rouge_l',
      'heuristic:citation_validity',
      'retrieval:recall@5',
      'retrieval:precision@5',
      'retrieval:mrr@5',
      'retrieval:ndcg@5',
      'retrieval:mrr@10',
    ]);
  });

  it('refuses an unknown judge, naming the known ones', () => {
    expect(() => createJudges({ names: ['grounded'], k: 5 })).toThrow(/unknown judge "grounded"; known: .*token_f1/);
  });

  it('retrieval judges score the retrieved document ids in citation order', async () => {
    const [recall, ndcg] = createJudges({ names: ['recall@1', 'ndcg@2'], k: 5 });
    const row = item('a', { referenceDocIds: ['serving.md'] });
    expect(recall!.applies(item('a'))).toBe(false);
    expect(scoreOf(await recall!.judge(row, {}))).toBe(0);
    expect(scoreOf(await ndcg!.judge(row, {}))).toBeCloseTo(1 / Math.log2(3), 12);
  });
});

describe('hostile answers', () => {
  /** Median wall time of three runs of `f` (only ever compared with another median of this test). */
  const median = (f: () => void) => {
    const times = [0, 1, 2].map(() => {
      const t = performance.now();
      f();
      return performance.now() - t;
    });
    return times.sort((a, b) => a - b)[1]!;
  };
  const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i % 997}x`).join(' ');

  it('ROUGE-L is capped: 4× the terms past the cap costs about the same, not 16×', () => {
    const reference = words(3_000);
    const atCap = median(() => rougeL(words(2_048), reference));
    const past = median(() => rougeL(words(8_192), reference));
    expect(past / atCap).toBeLessThan(4);
  });

  it('sentence splitting and support are linear: 10× the text costs ≤ 40× (no backtracking)', () => {
    const judge = createSentenceSupportJudge();
    const text = (n: number) => `${'[1] x. ['.repeat(n)}${'a'.repeat(n)}`;
    const small = median(() => void judge.applies(item(text(2_000))));
    const large = median(() => void judge.applies(item(text(20_000))));
    expect(large / Math.max(small, 0.05)).toBeLessThan(40);
  });
});
