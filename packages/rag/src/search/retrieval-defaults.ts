/**
 * Retrieval defaults: chunking, full-text analysis, hybrid fusion. Chosen by measurement with
 * `npm run bench:retrieval`; change them only with a bench run that shows why.
 */
export const RETRIEVAL_DEFAULTS = {
  chunk: {
    strategy: 'recursive' as 'recursive' | 'markdown' | 'token',
    sizeChars: 1000,
    overlapChars: 150,
  },
  /** Options for LanceDB's native full-text index (Index.fts). */
  fts: {
    baseTokenizer: 'simple' as 'simple' | 'whitespace' | 'raw',
    language: 'English',
    stem: true,
    removeStopWords: true,
    asciiFolding: true,
    lowercase: true,
    withPosition: false,
  },
  hybrid: {
    /** Reciprocal-rank fusion constant: score = sum(weight / (rrfK + rank)). */
    rrfK: 60,
    vectorWeight: 1,
    ftsWeight: 1,
    /** Candidates fetched per list before fusion, as a multiple of the requested k. */
    candidateMultiplier: 4,
  },
};
