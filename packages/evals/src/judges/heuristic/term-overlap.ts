import { analyzeText } from '@ragops/rag';

/**
 * Overlap a sentence needs with one passage to count as supported by it: the fraction of the
 * sentence's distinct analysed terms (stemmed, stop words dropped) that the passage contains.
 * 0.6 accepts a light paraphrase of a passage sentence and refuses a sentence that shares only its
 * topic words; on the extractive answerer's output (quoted passage sentences) the overlap is 1.
 */
export const SUPPORT_THRESHOLD = 0.6;

/** Sentences with fewer distinct terms than this carry no checkable claim ("Yes.", "See below:"). */
export const MIN_CLAIM_TERMS = 2;

/** The distinct analysed terms of a text (the hash embedder's analysis, shared). */
export function termSet(text: string): Set<string> {
  return new Set(analyzeText(text));
}

/** |sentence ∩ passage| / |sentence| over distinct terms; 0 for a sentence with no terms. */
export function supportFraction(sentence: ReadonlySet<string>, passage: ReadonlySet<string>): number {
  if (sentence.size === 0) return 0;
  let shared = 0;
  for (const term of sentence) if (passage.has(term)) shared++;
  return shared / sentence.size;
}
