import type { GroundingDocument } from '../language-model.ts';

// Small English stop list: enough that "what is the ..." does not match every sentence.
const STOP_WORDS = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have how i if in into is it its ' +
    'me my of on or our please should so than that the their them then there these they this to was we were ' +
    'what when where which who whom why will with would you your about tell explain describe'
  ).split(' '),
);

/** Lowercased word tokens without stop words, with a light plural strip ("indexes" ~ "index"). */
export function contentTerms(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
    .filter((t) => !STOP_WORDS.has(t))
    .map((t) =>
      t.length > 4 && t.endsWith('es') ? t.slice(0, -2) : t.length > 3 && t.endsWith('s') ? t.slice(0, -1) : t,
    );
}

/**
 * Whole sentences of a passage, as prose: fenced code and headings are dropped (headings are the
 * chunk's title), wrapped lines are joined, list items stand alone. A chunk cut mid-sentence at
 * either end would quote half a sentence, so a first sentence starting in lower case and a last one
 * without closing punctuation are dropped, as are code-like lines.
 */
export function splitSentences(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?(```|$)/g, '\n\n');
  const units: string[] = [];
  for (const block of prose.split(/\n\s*\n/)) {
    let current = '';
    for (const line of block.split('\n')) {
      if (/^\s*#/.test(line)) continue;
      if (/^\s*([-*+]|\d+[.)])\s+/.test(line)) {
        if (current) units.push(current);
        current = line.replace(/^\s*([-*+]|\d+[.)])\s+/, '');
      } else {
        current = current ? `${current} ${line.trim()}` : line.trim();
      }
    }
    if (current) units.push(current);
  }
  const sentences = units.flatMap((unit) =>
    unit
      .replace(/\s+/g, ' ')
      .trim()
      .split(/(?<=[.!?])\s+(?=[A-Z0-9`"'(*_[])/),
  );
  return sentences.filter((sentence, i) => {
    if (sentence.split(/\s+/).length < 3) return false;
    if (looksLikeCode(sentence)) return false;
    if (i === 0 && /^[a-z]/.test(sentence)) return false;
    if (i === sentences.length - 1 && !/[.!?:][)"'`*_]*$/.test(sentence)) return false;
    return true;
  });
}

// Prose cites commands in `inline code` and asides in parentheses: "`ragops models lineage …` shows
// where a version came from (its index version, …) and what uses it (endpoints …)." has four
// parentheses and is the best answer to "what does lineage show?". So inline code spans do not count,
// and a sentence is code only when code punctuation is dense (a statement, not an aside).
const CODE_PUNCTUATION = /[{}();=<>]/g;
function looksLikeCode(sentence: string): boolean {
  const prose = sentence.replace(/`[^`]*`/g, ' x ');
  const symbols = (prose.match(CODE_PUNCTUATION) ?? []).length;
  if (symbols <= 3) return false;
  const words = prose.split(/\s+/).filter(Boolean).length;
  return /[;{}]\s*$|=>|\)\s*;|\w\(/.test(prose) || symbols / words > 0.4;
}

export type ScoredSentence = { text: string; citation: number; position: number; score: number };

/**
 * Picks the sentences that best cover the query's terms, idf-weighted over all candidate sentences.
 * A sentence qualifies when it covers at least `minCoverage` of the query's weight.
 * Returned in reading order (passage rank, then position), each with its 1-based citation number.
 */
export function selectSentences(input: {
  query: string;
  documents: readonly GroundingDocument[];
  maxSentences: number;
  minCoverage: number;
}): ScoredSentence[] {
  const queryTerms = [...new Set(contentTerms(input.query))];
  if (queryTerms.length === 0) return [];
  const candidates = input.documents.flatMap((doc, i) =>
    splitSentences(doc.text).map((text, position) => ({
      text,
      citation: i + 1,
      position,
      terms: new Set(contentTerms(text)),
    })),
  );
  if (candidates.length === 0) return [];
  const idf = new Map(
    queryTerms.map((term) => {
      const df = candidates.filter((c) => c.terms.has(term)).length;
      return [term, Math.log(1 + candidates.length / (df || 0.5))];
    }),
  );
  const totalWeight = queryTerms.reduce((sum, t) => sum + idf.get(t)!, 0);
  const seen = new Set<string>();
  const scored = candidates
    .map((c) => {
      const matched = queryTerms.filter((t) => c.terms.has(t)).reduce((sum, t) => sum + idf.get(t)!, 0);
      // Mild preference for higher-ranked passages and shorter sentences at equal coverage.
      const score = matched / totalWeight + 0.01 / c.citation - 0.0001 * c.terms.size;
      return { text: c.text, citation: c.citation, position: c.position, score, coverage: matched / totalWeight };
    })
    .filter((c) => c.coverage >= input.minCoverage)
    .sort((a, b) => b.score - a.score)
    .filter((c) => {
      const key = c.text.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, input.maxSentences);
  return scored
    .sort((a, b) => a.citation - b.citation || a.position - b.position)
    .map(({ text, citation, position, score }) => ({ text, citation, position, score }));
}
