import { type Embedder, embedMany, getIndexBuild, queryIndex } from '@ragops/rag';
import { sampleOf } from './drift-sample.ts';

/**
 * Embedded chunk texts of a seeded sample of the index version's documents (from its build
 * manifest), for the corpus centroid. A document sample rather than a chunk sample because the
 * index is read through its retriever, which filters by document id; up to 1000 chunks (the
 * retriever's k bound). Chunks were indexed with their title and headings, the sample re-embeds the
 * chunk text: close enough for a centroid, not for per-chunk comparisons.
 */
export async function corpusSample(options: {
  home: string;
  index: { name: string; version: number };
  embedder: Embedder;
  documents: number;
  seed: number;
  env?: Readonly<Record<string, string | undefined>>;
  fetch?: typeof fetch;
}): Promise<number[][]> {
  const build = await getIndexBuild(options.home, options.index.name, options.index.version);
  const documentIds = sampleOf(Object.keys(build.manifest).sort(), options.documents, options.seed);
  if (documentIds.length === 0) return [];
  const { hits } = await queryIndex({
    home: options.home,
    name: options.index.name,
    version: options.index.version,
    // Any text: the filter, not the similarity, picks the chunks (k is above their count).
    text: 'corpus sample',
    k: 1000,
    mode: 'vector',
    filter: { documentIds },
    embedder: options.embedder,
    resident: false,
    ...(options.env && { env: options.env }),
    ...(options.fetch && { fetch: options.fetch }),
  });
  if (hits.length === 0) return [];
  return (await embedMany({ embedder: options.embedder, values: hits.map((h) => h.text) })).embeddings;
}
