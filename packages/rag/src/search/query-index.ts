import { ConfigError, InvalidInputError, NotFoundError } from '@ragops/core';
import { buildVersionOf, findIndexHead, getIndexBuildWithoutManifest, type IndexBuild } from '../build/build-record.ts';
import { indexPaths } from '../build/index-paths.ts';
import { createEmbedder, embedderIdentity } from '../embed/create-embedder.ts';
import { embedMany } from '../embed/embed-many.ts';
import type { Embedder } from '../embed/embedder.ts';
import type { IndexHit, SearchFilter } from '../index/vector-index.ts';
import { convexFusion } from './convex-fusion.ts';
import { openIndexReader } from './index-reader-cache.ts';
import { lexicalRerank } from './lexical-rerank.ts';
import { reciprocalRankFusion } from './reciprocal-rank-fusion.ts';
import { RETRIEVAL_DEFAULTS } from './retrieval-defaults.ts';

export const RETRIEVAL_MODES = ['vector', 'fts', 'hybrid'] as const;
export type RetrievalMode = (typeof RETRIEVAL_MODES)[number];

export type QueryIndexOptions = {
  home: string;
  /** `catalog.schema.name`. */
  name: string;
  text: string;
  /** Results wanted. Default 5. */
  k?: number;
  /** Default hybrid. */
  mode?: RetrievalMode;
  /** A recorded build's table version (time travel). Default: the current version. */
  version?: number;
  /** Build number 1, 2, 3, … (time travel by what `ragops index history` shows); wins over `version`. */
  build?: number;
  filter?: SearchFilter;
  /** The query embedder; default built from the build record. Refused when its identity differs. */
  embedder?: Embedder;
  /** Environment values for API keys of hosted embedders. */
  env?: Readonly<Record<string, string | undefined>>;
  fetch?: typeof fetch;
  abortSignal?: AbortSignal;
  /**
   * Default true: a small pinned version is searched from an in-memory copy loaded on first use
   * (index/lancedb/resident-chunks.ts), which pays off over many queries of a long-lived process.
   * A one-shot query (the CLI) passes false and searches through LanceDB alone.
   */
  resident?: boolean;
  /** Hybrid mode's reranking stage (search/lexical-rerank.ts). Default RETRIEVAL_DEFAULTS.rerank.method. */
  rerank?: 'lexical' | 'none';
};

/** A retrieved chunk and why: its rank and score in each list it came from. */
export type RetrievedChunk = Omit<IndexHit, 'indexText' | 'documentHash' | 'score'> & {
  score: number;
  sources: { vector?: { rank: number; score: number }; fts?: { rank: number; score: number } };
};

export type QueryIndexResult = {
  index: string;
  version: number;
  mode: RetrievalMode;
  k: number;
  hits: RetrievedChunk[];
};

/**
 * The retriever: top-k chunks of an index for a text, by vector similarity, BM25 full text, or both
 * fused (RETRIEVAL_DEFAULTS.hybrid: a convex combination of min-max normalised scores, or weighted
 * reciprocal-rank fusion; then, by default, the offline lexical reranking of RETRIEVAL_DEFAULTS.rerank).
 * Reads the current version,
 * or `version` (time travel). Throws NotFoundError (index or version unknown) and ConfigError (query
 * embedder differs from the index's).
 * @example
 * const { hits } = await queryIndex({ home: '.ragops', name: 'dev.docs.kb', text: 'how do I rotate keys?', k: 5 });
 */
export async function queryIndex(options: QueryIndexOptions): Promise<QueryIndexResult> {
  const paths = indexPaths(options.home, options.name);
  const k = options.k ?? 5;
  if (!Number.isInteger(k) || k < 1 || k > 1000)
    throw new InvalidInputError(`k must be an integer in [1, 1000], got ${k}`);
  const mode = options.mode ?? 'hybrid';
  const requested =
    options.build === undefined ? options.version : await buildVersionOf(options.home, paths.name, options.build);
  const { build, version } = await resolveVersion(options.home, paths.name, requested);
  const reader = await openIndexReader(paths.lance, version, { resident: options.resident ?? true });
  const hybrid = RETRIEVAL_DEFAULTS.hybrid;
  const candidates = mode === 'hybrid' ? Math.max(k * hybrid.candidateMultiplier, hybrid.minCandidates) : k;
  const filter = options.filter;

  const searchVector = async (): Promise<IndexHit[]> => {
    if (mode === 'fts') return [];
    const embedder =
      options.embedder ??
      createEmbedder(build.embedder, { env: options.env, ...(options.fetch && { fetch: options.fetch }) });
    checkEmbedder(paths.name, version, build, embedder);
    const { embeddings } = await embedMany({
      embedder,
      values: [options.text],
      ...(options.abortSignal && { abortSignal: options.abortSignal }),
    });
    return reader.searchVector(embeddings[0]!, { k: candidates, ...(filter && { filter }) });
  };
  const searchText = async (): Promise<IndexHit[]> =>
    mode === 'vector' ? [] : reader.searchText(options.text, { k: candidates, ...(filter && { filter }) });
  // Both lists at once: the full-text search runs on LanceDB's native threads while the vector search
  // runs (in memory for small pinned versions, see index/lancedb/resident-chunks.ts; else in LanceDB).
  const [vectorHits, ftsHits] = await Promise.all([searchVector(), searchText()]);

  const lists = [
    { name: 'vector' as const, items: vectorHits, weight: hybrid.vectorWeight },
    { name: 'fts' as const, items: ftsHits, weight: hybrid.ftsWeight },
  ].filter((l) => l.items.length > 0);
  const rerank = RETRIEVAL_DEFAULTS.rerank;
  const reranked = mode === 'hybrid' && (options.rerank ?? rerank.method) === 'lexical';
  // The reranker sees at least its depth of fused items, then the best k are kept.
  const fuseLimit = reranked ? Math.max(k, rerank.depth) : k;
  const fusedLists =
    mode === 'hybrid'
      ? hybrid.method === 'convex'
        ? convexFusion(
            lists.map((l) => ({ ...l, score: (h: IndexHit) => h.score })),
            (h) => h.chunkId,
            { limit: fuseLimit },
          )
        : reciprocalRankFusion(lists, (h) => h.chunkId, { k: hybrid.rrfK, limit: fuseLimit })
      : [];
  const fused =
    mode === 'hybrid'
      ? reranked
        ? lexicalRerank(options.text, fusedLists, (h) => h.text, rerank).slice(0, k)
        : fusedLists
      : (mode === 'vector' ? vectorHits : ftsHits).map((item, i) => ({
          item,
          score: item.score,
          ranks: { [mode]: i + 1 },
        }));
  const scoreIn = (list: IndexHit[], chunkId: string) => list.find((h) => h.chunkId === chunkId)?.score ?? 0;
  const hits = fused.map(({ item, score, ranks }): RetrievedChunk => {
    const { indexText: _i, documentHash: _d, score: _s, ...chunk } = item;
    const sources: RetrievedChunk['sources'] = {};
    if (ranks.vector !== undefined) sources.vector = { rank: ranks.vector, score: scoreIn(vectorHits, item.chunkId) };
    if (ranks.fts !== undefined) sources.fts = { rank: ranks.fts, score: scoreIn(ftsHits, item.chunkId) };
    return { ...chunk, score, sources };
  });
  return { index: paths.name, version, mode, k, hits };
}

/** What a query reads of a build record: its embedder (the manifest stays on disk). */
type QueriedBuild = Omit<IndexBuild, 'manifest'>;

// Build records never change once written: keep the few in use.
const builds = new Map<string, Promise<QueriedBuild>>();

function cachedBuild(home: string, name: string, version: number): Promise<QueriedBuild> {
  const key = `${home}\0${name}\0${version}`;
  let build = builds.get(key);
  if (!build) {
    build = getIndexBuildWithoutManifest(home, name, version);
    build.catch(() => builds.delete(key));
    builds.set(key, build);
    if (builds.size > 32) builds.delete(builds.keys().next().value!);
  }
  return build;
}

async function resolveVersion(
  home: string,
  name: string,
  requested: number | undefined,
): Promise<{ build: QueriedBuild; version: number }> {
  if (requested !== undefined) return { build: await cachedBuild(home, name, requested), version: requested };
  const head = await findIndexHead(home, name);
  if (!head) throw new NotFoundError(`Index ${name} does not exist in ${home}: build it with \`ragops index build\`.`);
  return { build: await cachedBuild(home, name, head.buildVersion), version: head.version };
}

function checkEmbedder(name: string, version: number, build: QueriedBuild, embedder: Embedder): void {
  const want = embedderIdentity(build.embedder);
  const got = `${embedder.provider}/${embedder.modelId}/${embedder.dimensions}`;
  if (want !== got) {
    throw new ConfigError(
      `Index ${name} version ${version} was embedded with ${want}; the query embedder is ${got}. Query with the index's embedder, or rebuild the index with --full.`,
    );
  }
}
