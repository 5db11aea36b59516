import { type FtsConfig, ftsTerms } from './fts-analyzer.ts';
import { RETRIEVAL_DEFAULTS } from './retrieval-defaults.ts';

/** LanceDB's BM25 parameters (lance-index scalar/inverted/scorer.rs). */
const f32 = Math.fround;
const K1 = f32(1.2);
const B = f32(0.75);
const K1_PLUS_1 = f32(K1 + 1);

/**
 * A term's rows and, per row, its BM25 term weight (k1 + 1)·f / (f + k1·(1 − b + b·len/avg)) in
 * float32: fixed once the version is (f and the row's length never change), so a query multiplies
 * by idf and adds, with the same float32 rounding as computing it per query.
 */
type Posting = { readonly rows: Uint32Array; readonly weights: Float32Array };

/**
 * An in-memory BM25 index over an immutable set of texts, scoring exactly as LanceDB's full-text
 * index does: the same analysis (fts-analyzer.ts), idf = ln(1 + (N − n + 0.5) / (n + 0.5)), document
 * weight (k1 + 1)·f / (f + k1·(1 − b + b·len/avglen)), each distinct query term once, OR semantics,
 * float32 arithmetic as in its Rust. It serves pinned versions (index/lancedb/resident-chunks.ts):
 * a 50-hit query of the 1,339-chunk development set takes 0.04 ms median instead of ~4.5 ms through
 * LanceDB. On that set's 100 questions recall@5 is the same both ways (fts 0.769, hybrid without
 * rerank 0.844): rankings differ only in the order of chunks tied in score.
 *
 * Hand-written, not a library: minisearch scores BM25+ (a different formula, so results would not
 * equal the FTS we build), wink-bm25-text-search and okapibm25 are unmaintained or rescan every
 * document per query, flexsearch does not score BM25. The scorer is ~60 lines; the part that must
 * match LanceDB, the analysis, uses a maintained Porter2 stemmer.
 */
export class Bm25Index {
  readonly rows: number;
  /** Approximate bytes held (postings, lengths and the term map's keys). */
  readonly bytes: number;
  readonly #postings: Map<string, Posting>;
  /** k1·(1 − b + b·len/avglen) per row. */
  readonly #config: FtsConfig;
  /** Scratch of a search (it never yields midway): each row's score, float32 as LanceDB adds them... */
  readonly #scores: Float32Array;
  /** ...and the rows scored, in the order first touched. */
  readonly #touched: Uint32Array;

  /**
   * Builds the index, yielding to the event loop every `rowsPerTurn` texts: analysing the 1,339
   * chunks of the development set took 0.15–0.7 s (load 2–19), too long to hold a server's loop.
   */
  static async build(
    texts: { readonly length: number; at(i: number): string },
    config: FtsConfig = RETRIEVAL_DEFAULTS.fts,
    rowsPerTurn = 100,
  ): Promise<Bm25Index> {
    const rowTerms: string[][] = new Array(texts.length);
    for (let row = 0; row < texts.length; row++) {
      rowTerms[row] = ftsTerms(texts.at(row), config);
      if (row % rowsPerTurn === rowsPerTurn - 1) await new Promise((resolve) => setImmediate(resolve));
    }
    return new Bm25Index(rowTerms, config);
  }

  /** From each row's analysed terms (ftsTerms of its text, with the same `config`). */
  constructor(rowTerms: readonly (readonly string[])[], config: FtsConfig = RETRIEVAL_DEFAULTS.fts) {
    const n = rowTerms.length;
    this.rows = n;
    this.#config = config;
    const lengths = new Uint32Array(n);
    const building = new Map<string, { rows: number[]; freqs: number[] }>();
    let totalTokens = 0;
    for (let row = 0; row < n; row++) {
      const terms = rowTerms[row]!;
      lengths[row] = terms.length;
      totalTokens += terms.length;
      const counts = new Map<string, number>();
      for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
      for (const [t, f] of counts) {
        let p = building.get(t);
        if (!p) {
          p = { rows: [], freqs: [] };
          building.set(t, p);
        }
        p.rows.push(row);
        p.freqs.push(f);
      }
    }
    const avgLength = f32(f32(totalTokens) / f32(n));
    const norms = new Float32Array(n);
    for (let row = 0; row < n; row++) norms[row] = f32(K1 * f32(1 - B + f32(f32(B * lengths[row]!) / avgLength)));
    this.#postings = new Map();
    let bytes = 0;
    for (const [t, p] of building) {
      const rows = Uint32Array.from(p.rows);
      const weights = new Float32Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const f = p.freqs[i]!;
        weights[i] = f32(f32(K1_PLUS_1 * f) / f32(f + norms[rows[i]!]!));
      }
      this.#postings.set(t, { rows, weights });
      bytes += 8 * rows.length + 2 * t.length + 64;
    }
    this.#scores = new Float32Array(n);
    this.#touched = new Uint32Array(n);
    this.bytes = bytes + this.#scores.byteLength + this.#touched.byteLength;
  }

  /**
   * The k best rows for `query` (rows without any query term never), best first, restricted to rows
   * where `mask[row]` is 1 when a mask is given (LanceDB's prefilter: idf still counts every row).
   */
  search(query: string, k: number, mask?: Uint8Array): { rows: number[]; scores: number[] } {
    const terms = new Set(ftsTerms(query, this.#config));
    const scores = this.#scores;
    const touched = this.#touched;
    let touchedCount = 0;
    const n = this.rows;
    for (const term of terms) {
      const posting = this.#postings.get(term);
      if (!posting) continue;
      const df = posting.rows.length;
      const idf = f32(Math.log(f32(f32(f32(n - df + 0.5) / f32(df + 0.5)) + 1)));
      const { rows, weights } = posting;
      for (let i = 0; i < df; i++) {
        const row = rows[i]!;
        if (mask && mask[row] === 0) continue;
        // Every added weight is > 0, so 0 means untouched. A Float32Array store rounds to float32 as
        // Math.fround does: the sum is LanceDB's float32 sum.
        if (scores[row] === 0) touched[touchedCount++] = row;
        scores[row] = scores[row]! + f32(idf * weights[i]!);
      }
    }
    // Top k by insertion into a short sorted list; ties keep the lower row first.
    const top: number[] = [];
    const topScores: number[] = [];
    for (let t = 0; t < touchedCount; t++) {
      const row = touched[t]!;
      const score = scores[row]!;
      scores[row] = 0;
      if (top.length === k && !ranksBefore(score, row, topScores[k - 1]!, top[k - 1]!)) continue;
      let at = top.length === k ? k - 1 : top.length;
      while (at > 0 && ranksBefore(score, row, topScores[at - 1]!, top[at - 1]!)) {
        top[at] = top[at - 1]!;
        topScores[at] = topScores[at - 1]!;
        at--;
      }
      top[at] = row;
      topScores[at] = score;
    }
    return { rows: top, scores: topScores };
  }
}

const ranksBefore = (score: number, row: number, otherScore: number, otherRow: number): boolean =>
  score > otherScore || (score === otherScore && row < otherRow);
