/**
 * One retrieval set through the library: builds an index of the corpus in a temp RAGOPS_HOME with
 * the defaults (buildIndex), asks every question through the retriever (queryIndex) once per mode
 * at the largest k, and scores the ranked distinct documents at every k (eval-metrics, the one
 * implementation), next to a plain BM25 over whole documents (bench/lib/bm25.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BuildIndexOptions,
  buildIndex,
  closeIndexReaders,
  queryIndex,
  type RetrievalMode,
  type RetrievalScores,
  scoreRetrieval,
  topKDistinct,
} from '@ragops/rag';
import { createBm25 } from './bm25.ts';
import type { LoadedSet } from './retrieval-sets.ts';

/** Chunks asked of the retriever per wanted document: chunks of one document count once. */
const CHUNKS_PER_DOCUMENT = 4;
const INDEX_NAME = 'bench.retrieval.corpus';

/** Per question, its scores at each k, in `ks` order. */
export type RankedScores = { perK: RetrievalScores[][]; queryMs: number[] };

export type SetRun = {
  documents: number;
  chunks: number;
  buildMs: number;
  config: { chunker: unknown; embedder: unknown };
  /** Per mode, and 'hybrid, no rerank' (the fused lists alone) beside the default hybrid. */
  modes: Record<string, RankedScores>;
  bm25: RankedScores;
};

function score(rankedIds: readonly string[], gold: readonly string[], ks: readonly number[]): RetrievalScores[] {
  return ks.map((k) => scoreRetrieval(rankedIds, gold, k));
}

export async function runSet(
  set: LoadedSet,
  options: {
    modes: readonly RetrievalMode[];
    ks: readonly number[];
    chunker?: BuildIndexOptions['chunker'];
    embedder?: BuildIndexOptions['embedder'];
  },
): Promise<SetRun> {
  const maxK = Math.max(...options.ks);
  const home = mkdtempSync(join(tmpdir(), 'ragops-bench-retrieval-'));
  try {
    const build = await buildIndex({
      home,
      name: INDEX_NAME,
      source: set.corpusPath,
      ...(options.chunker && { chunker: options.chunker }),
      ...(options.embedder && { embedder: options.embedder }),
    });
    const modes: SetRun['modes'] = {};
    const runs = options.modes.flatMap((mode): { name: string; mode: RetrievalMode; rerank?: 'none' }[] =>
      mode === 'hybrid'
        ? [
            { name: 'hybrid', mode },
            { name: 'hybrid, no rerank', mode, rerank: 'none' },
          ]
        : [{ name: mode, mode }],
    );
    for (const { name, mode, rerank } of runs) {
      const run: RankedScores = { perK: [], queryMs: [] };
      for (const q of set.questions) {
        const t0 = performance.now();
        const { hits } = await queryIndex({
          home,
          name: INDEX_NAME,
          text: q.question,
          k: maxK * CHUNKS_PER_DOCUMENT,
          mode,
          ...(rerank && { rerank }),
        });
        run.queryMs.push(performance.now() - t0);
        const ranked = topKDistinct(
          hits.map((h) => h.documentId),
          maxK,
        );
        run.perK.push(score(ranked, q.reference_doc_ids, options.ks));
      }
      modes[name] = run;
    }
    const bm25 = createBm25(set.docs);
    return {
      documents: set.docs.length,
      chunks: build.counts.chunks.total,
      buildMs: build.durationMs,
      config: { chunker: build.chunker, embedder: build.embedder },
      modes,
      bm25: {
        perK: set.questions.map((q) => score(bm25.search(q.question, maxK), q.reference_doc_ids, options.ks)),
        queryMs: [],
      },
    };
  } finally {
    await closeIndexReaders();
    rmSync(home, { recursive: true, force: true });
  }
}
