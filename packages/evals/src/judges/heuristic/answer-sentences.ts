/** One sentence of an answer and the passage numbers it cites (`[n]` right after it belongs to it). */
export type AnswerSentence = { text: string; citations: number[] };

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** Reads a `[n]` marker (1–3 digits) at `i`; returns its number and the index after it, or undefined. */
function citationAt(text: string, i: number): { n: number; end: number } | undefined {
  if (text[i] !== '[') return undefined;
  let j = i + 1;
  while (j < text.length && j - i <= 3 && isDigit(text[j])) j++;
  if (j === i + 1 || text[j] !== ']') return undefined;
  return { n: Number(text.slice(i + 1, j)), end: j + 1 };
}

/**
 * Splits an answer into sentences at `.`, `!`, `?` followed by white space, and at line breaks
 * (bullets). Citation markers directly after a sentence's end ("… lineage. [2] Next …", the
 * extractive answerer's style) belong to that sentence, as do markers inside it. One linear scan:
 * answers are model output and may be hostile, so no backtracking regex.
 * @example splitAnswerSentences('A is B [1]. C is D. [2]') // [{ text: 'A is B.', citations: [1] }, { text: 'C is D.', citations: [2] }]
 */
export function splitAnswerSentences(answer: string): AnswerSentence[] {
  const sentences: AnswerSentence[] = [];
  let text = '';
  let citations: number[] = [];
  const flush = () => {
    const t = text
      .replace(/\s+/g, ' ')
      .replace(/ ([.!?,;:])/g, '$1')
      .trim();
    if (t !== '' || citations.length > 0) sentences.push({ text: t, citations });
    text = '';
    citations = [];
  };
  let i = 0;
  while (i < answer.length) {
    const c = answer[i]!;
    const marker = citationAt(answer, i);
    if (marker) {
      citations.push(marker.n);
      i = marker.end;
      continue;
    }
    if (c === '\n') {
      flush();
      i++;
      continue;
    }
    text += c;
    i++;
    const next = answer[i];
    if ((c === '.' || c === '!' || c === '?') && (next === undefined || next === ' ' || next === '\t')) {
      // Trailing markers after the end belong to this sentence: "… end. [1][2] Next".
      let j = i;
      for (;;) {
        while (answer[j] === ' ' || answer[j] === '\t') j++;
        const after = citationAt(answer, j);
        if (!after) break;
        citations.push(after.n);
        j = after.end;
      }
      i = j;
      flush();
    }
  }
  flush();
  // A sentence made only of markers (e.g. "[1]" on its own line) hands them to the one before.
  const merged: AnswerSentence[] = [];
  for (const s of sentences) {
    const previous = merged.at(-1);
    if (s.text === '' && previous) previous.citations.push(...s.citations);
    else merged.push(s);
  }
  return merged;
}
