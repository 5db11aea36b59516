/**
 * What every judge sees: one answered eval row. `contexts` are the passages the chain retrieved, numbered
 * as the answer cites them (`[n]`).
 */
export type JudgeItem = {
  question: string;
  answer: string;
  contexts: readonly JudgeContext[];
  referenceAnswer?: string;
  referenceDocIds?: readonly string[];
};

/** One retrieved passage as a judge sees it. */
export type JudgeContext = { n: number; documentId: string; chunkId: string; text: string };

/** Token usage of one LLM judge call. */
export type JudgeUsage = { inputTokens: number; outputTokens: number };

/**
 * A judge's verdict on one item. An error is never a score: a verdict the judge could not produce
 * (malformed after retries, provider down) is `ok: false` and is stored as an error for that row.
 */
export type JudgeVerdict =
  | { ok: true; score: number; rationale?: string; raw?: unknown; usage?: JudgeUsage; cached?: boolean }
  | { ok: false; error: string; raw?: unknown };

/** Where a judge's score comes from; heuristics and retrieval metrics are never shown as LLM judges. */
export const JUDGE_KINDS = ['llm', 'heuristic', 'retrieval'] as const;
export type JudgeKind = (typeof JUDGE_KINDS)[number];

/** Per call: abort, and which repeat this is (`--repeats N`: 0 … N−1; each repeat has its own cache entry). */
export type JudgeOptions = { abortSignal?: AbortSignal; repeat?: number };

/**
 * One metric over an answered eval row. `judge` resolves to a verdict and rejects only on abort
 * (the caller's reason); every other failure is an `ok: false` verdict.
 */
export interface Judge {
  /** 'groundedness', 'token_f1', 'recall@5', …: the metric name runs and reports use. */
  readonly name: string;
  readonly kind: JudgeKind;
  /** The judge prompt's content hash (LLM judges) or the algorithm version (heuristics, retrieval). */
  readonly version: string;
  /** `provider/model` of the judge model (LLM judges only). */
  readonly model?: string;
  /** False when the item lacks what the judge needs (e.g. correctness needs a reference answer). */
  applies(item: JudgeItem): boolean;
  judge(item: JudgeItem, options: JudgeOptions): Promise<JudgeVerdict>;
}

/**
 * Verdicts already paid for, keyed by `verdictCacheKey` (judge prompt hash, judge model, item content
 * hash). Only `ok: true` verdicts are stored. Implementations: `InMemoryVerdictCache` (tests) and the
 * metadata-store one in `runs/`.
 */
export interface VerdictCache {
  get(key: string): Promise<JudgeVerdict | undefined>;
  set(key: string, verdict: JudgeVerdict): Promise<void>;
}
