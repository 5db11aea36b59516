/**
 * Retrieval defaults: chunking, full-text analysis, hybrid fusion. Chosen by measurement with
 * `npm run bench:retrieval`; change them only with a bench run that shows why.
 *
 * First measured (recall@3 / MRR@3 over distinct documents, hash-v2 embedder at 1024 dimensions) on
 * anthropic-docs (232 doc sections, 100 questions, the development set), a SciFact subset (2,101
 * abstracts, 82 claims) and NegConstraint (3,946 Wikipedia passages, 198 questions); those two
 * conversions are not kept. Checked since on the public sets bench/datasets converts from registry
 * packages (bench/README.md), all with the same defaults, recall@5 / MRR@10, default (hybrid +
 * lexical rerank) vs plain BM25 over whole documents, paired Δ with 95% bootstrap interval:
 *     set (questions)            BM25         default      Δ recall@5               Δ MRR@10
 *     repo sample (102)          0.921/0.827  0.966/0.926  +0.045 [+0.016, +0.083]  +0.099 [+0.047, +0.152]
 *     anthropic-docs (100)       0.690/0.813  0.838/0.934  +0.147 [+0.102, +0.198]  +0.122 [+0.063, +0.182]
 *     python-faq (171)           0.602/0.480  0.719/0.551  +0.117 [+0.058, +0.181]  +0.071 [+0.016, +0.129]
 *     hpo-definitions (300)      0.723/0.608  0.770/0.658  +0.047 [+0.013, +0.083]  +0.050 [+0.024, +0.077]
 *     python-stdlib-code (300)   0.480/0.370  0.527/0.399  +0.047 [+0.013, +0.083]  +0.029 [+0.003, +0.052]
 *     wordnet-glosses (300)      0.243/0.162  0.330/0.248  +0.087 [+0.037, +0.140]  +0.086 [+0.053, +0.121]
 *   Every interval is above zero. Code is the weak set and its MRR@10 the narrowest margin: the
 *   reranker's matches of a query term inside longer words (`path` in `abspath`,
 *   search/lexical-rerank.ts) moved it from 0.520/0.387, [−0.008, +0.041], to the row above, and
 *   the other sets by ≤ 0.004 (before: anthropic-docs 0.839/0.934, hpo-definitions 0.770/0.657,
 *   wordnet-glosses 0.333/0.244). The hash embedder alone is 0.430/0.316 there; splitting camelCase
 *   identifiers into its features as well moved code by ≤ 0.01 either way and cost anthropic-docs
 *   MRR@10 up to 0.007, so the embedder stays hash-v2 (no index is re-embedded). Fusion weights
 *   0.3/0.7 and 0.5/0.5 and 100 candidates, and the embedder's bigram (0.25–1) and char-gram
 *   (0.5–1) weights and code keywords as stop words, each moved no set by more than ±0.02 in either direction, so
 *   they stay as tuned on the development set. Per-corpus weights do not pay either: a vector weight
 *   chosen from 0.1–0.7 on one half of a set's questions and scored on the other half (mean of
 *   recall@5 and MRR@10) beat 0.4 only on anthropic-docs (+0.01, both halves) and tied or lost
 *   elsewhere (python-stdlib-code −0.014, the repo's sample −0.029), so there is no tuning step.
 * - Chunk size (anthropic-docs, hybrid): 500 chars 0.748/0.858, 800 0.740/0.890, 1000 0.751/0.890,
 *   1500 0.728/0.838, 2000 0.751/0.827, 3000 0.706/0.795, whole documents 0.568/0.662. Overlap 150
 *   vs 0 made no difference. SciFact preferred 600–2000 about equally. Documents rank by their best
 *   chunk: summing chunk scores per document favours long documents (hybrid 0.751 → 0.322).
 * - Full text: LanceDB's English stemming and stop words. Without stemming: anthropic-docs −0.02,
 *   NegConstraint +0.03, SciFact −0.04 (fts recall@3); keeping both is the balanced choice.
 * - Fusion (library path, bench/retrieval.ts):
 *     corpus           vector       fts          BM25 whole-doc  RRF k60 (1:1)  convex fts 0.6
 *     anthropic-docs   0.713/0.838  0.705/0.867  0.632/0.798     0.757/0.913    0.757/0.923
 *     SciFact subset   0.742/0.665  0.866/0.791  0.841/0.785     0.799/0.732    0.872/0.791
 *     NegConstraint    0.722/0.540  0.823/0.600  0.854/0.603     0.768/0.572    0.803/0.592
 *   RRF lets the weaker list reorder BM25's confident hits; a convex combination of min-max
 *   normalised scores keeps the score gaps (search/convex-fusion.ts). FTS gets the larger weight
 *   because BM25 has idf and the stateless hash embedder cannot. RRF weights (vector 0.3–0.5) or
 *   k (10–60) moved no corpus by more than 0.03; convex fts weight 0.5–0.7 moved anthropic-docs
 *   ±0.02 and SciFact MRR by up to −0.03 at 0.5.
 * - Candidates: each list is fetched to at least 50 before fusion, since min-max normalisation over
 *   a short list is noisy (anthropic-docs convex: 20 candidates 0.740/0.912, 48 0.752/0.930).
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
    /**
     * `convex`: score = Σ weight · min-max-normalised score (search/convex-fusion.ts);
     * `rrf`: score = Σ weight / (rrfK + rank) (search/reciprocal-rank-fusion.ts).
     */
    method: 'convex' as 'convex' | 'rrf',
    /** Reciprocal-rank fusion constant, for method `rrf`. */
    rrfK: 60,
    vectorWeight: 0.4,
    ftsWeight: 0.6,
    /** Candidates fetched per list before fusion, as a multiple of the requested k... */
    candidateMultiplier: 4,
    /** ...and at least this many. */
    minCandidates: 50,
  },
  /**
   * Hybrid's reranking stage: `lexical` re-scores the best `depth` fused chunks with a BM25 of the
   * query's terms and adjacent term pairs over those chunks (search/lexical-rerank.ts, where the
   * per-set measurements are); `none` keeps the fused order.
   */
  rerank: {
    method: 'lexical' as 'lexical' | 'none',
    depth: 30,
    weight: 0.2,
    bigramWeight: 1,
  },
};
