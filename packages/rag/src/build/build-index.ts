import { rm } from 'node:fs/promises';
import { ConfigError, ConflictError, InvalidInputError, NotFoundError } from '@ragops/core';
import { type Chunk, type ChunkerConfigInput, resolveChunkerConfig } from '../chunk/chunk.ts';
import { createChunker } from '../chunk/chunk-document.ts';
import {
  createEmbedder,
  defaultEmbedderConfig,
  type EmbedderConfig,
  embedderIdentity,
} from '../embed/create-embedder.ts';
import { embedMany } from '../embed/embed-many.ts';
import type { Embedder } from '../embed/embedder.ts';
import { HashEmbedder } from '../embed/hash-embedder.ts';
import { resolveEmbedderConfig } from '../embed/resolve-embedder-config.ts';
import type { VectorIndex } from '../index/vector-index.ts';
import { loadSource } from '../load/load-source.ts';
import type { SourceDocument } from '../load/source-document.ts';
import { chunkIndexText } from '../search/index-text.ts';
import {
  findIndexHead,
  getIndexBuild,
  getIndexBuildWithoutManifest,
  type IndexBuild,
  listBuildVersions,
  writeBuildRecord,
  writeIndexHead,
} from './build-record.ts';
import { diffManifest, type ManifestDiff } from './diff-manifest.ts';
import { codeGitCommit } from './git-commit.ts';
import { withIndexLock } from './index-lock.ts';
import { type IndexPaths, indexPaths } from './index-paths.ts';
import { readSourceCache, writeSourceCache } from './source-cache-file.ts';

export type BuildPhase = 'loading' | 'chunking' | 'embedding' | 'indexing';
export type BuildProgress = { phase: BuildPhase; done: number; total: number };

export type BuildIndexOptions = {
  /** RAGOPS_HOME. */
  home: string;
  /** `catalog.schema.name`. */
  name: string;
  /** A folder or a `.jsonl` file. */
  source: string;
  /** Defaults: the last build's, else RETRIEVAL_DEFAULTS.chunk. */
  chunker?: ChunkerConfigInput;
  /** Defaults: the last build's, else the hash embedder. */
  embedder?: EmbedderConfig;
  /** Re-chunk and re-embed everything; required to change the embedder or chunker of an index. */
  full?: boolean;
  /**
   * When the source's documents hash the same as the last build's manifest, write nothing and return
   * that build with `unchanged: true` (a build otherwise always makes a new table version). The
   * pipeline uses it so an unchanged corpus pins the same index version and registers nothing new.
   */
  onlyIfChanged?: boolean;
  maxFileBytes?: number;
  /** Environment values for API keys (packages never read process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  fetch?: typeof fetch;
  /** Chunks embedded and written per LanceDB commit (bounds memory). Default 4096. */
  batchChunks?: number;
  abortSignal?: AbortSignal;
  onProgress?: (progress: BuildProgress) => void;
};

/** The build record, and its build number (1, 2, 3, …; `version` is the Lance table version). */
export type BuildIndexResult = IndexBuild & { build: number; unchanged?: true };

/**
 * Builds or incrementally updates an index from a source, holding the index lock: load → hash →
 * diff with the last recorded manifest → chunk and embed new/changed documents in batches →
 * delete chunks of changed/removed documents → refresh FTS/ANN → write the build record.
 * The record is written only after LanceDB committed, so a crash leaves the last build intact; the
 * next build first restores the table to that build's version. Throws ConflictError when another
 * build holds the lock, ConfigError when the embedder or chunker differs from the index's (without
 * `full`), NotFoundError for a missing source.
 * @example
 * const build = await buildIndex({ home: '.ragops', name: 'dev.docs.kb', source: 'docs' });
 * build.counts.documents; // { added, changed, removed, unchanged }
 */
export async function buildIndex(options: BuildIndexOptions): Promise<BuildIndexResult> {
  const paths = indexPaths(options.home, options.name);
  return withIndexLock(paths, 'build', async () => {
    const head = await findIndexHead(options.home, paths.name);
    // No recorded build: whatever is in the table folder is a first build that was killed (kill -9
    // left hundreds of MB); nothing reads or pins it, so it goes before this build starts.
    if (!head) await rm(paths.lance, { recursive: true, force: true });
    try {
      return await runBuild(paths, options);
    } catch (error) {
      if (!head) await rm(paths.lance, { recursive: true, force: true });
      if (!options.abortSignal?.aborted) throw error;
      throw new ConflictError(
        head
          ? `Interrupted: index ${paths.name} still reads its last build (table version ${head.version}); the next build or rebuild finishes the job.`
          : `Interrupted: index ${paths.name} was never built; the partial first build was removed. Run the build again.`,
        { cause: error },
      );
    }
  });
}

/**
 * Rebuilds an index from the source, chunker and embedder recorded by its last build; incremental
 * unless `full`. Throws NotFoundError when the index was never built.
 */
export async function rebuildIndex(
  options: Omit<BuildIndexOptions, 'source' | 'chunker' | 'embedder'>,
): Promise<BuildIndexResult> {
  const head = await findIndexHead(options.home, options.name);
  if (!head) {
    const name = indexPaths(options.home, options.name).name;
    throw new NotFoundError(
      `Index ${name} has never been built (an interrupted first build records nothing): run \`ragops index build ${name} --source <path>\` first.`,
    );
  }
  // Without its manifest: the build reads that once itself (7.6 MB at 100k documents, ~0.1 s a read).
  const last = await getIndexBuildWithoutManifest(options.home, options.name, head.buildVersion);
  return buildIndex({ ...options, source: last.source.path, chunker: last.chunker, embedder: last.embedder });
}

async function runBuild(paths: IndexPaths, options: BuildIndexOptions): Promise<BuildIndexResult> {
  const startedAt = performance.now();
  const progress = options.onProgress ?? (() => {});
  const head = await findIndexHead(options.home, paths.name);
  const last = head ? await getIndexBuild(options.home, paths.name, head.buildVersion) : undefined;
  const chunkerConfig = resolveChunkerConfig(options.chunker ?? last?.chunker);
  // Resolved before the identity check: a local model's identity includes its folder's content hash,
  // hashed anew (the last record's hash is what the check compares against, not a pin).
  const { sha256: _recorded, ...lastEmbedder } = last?.embedder ?? defaultEmbedderConfig();
  const embedderConfig = await resolveEmbedderConfig(options.embedder ?? lastEmbedder);
  if (last && !options.full) checkSameIdentity(paths.name, last, chunkerConfig, embedderConfig);
  const embedder = createEmbedder(embedderConfig, { env: options.env, ...(options.fetch && { fetch: options.fetch }) });
  // Both wait on other things than this thread (a git process, LanceDB's native module: ~0.15 s of
  // a 1% rebuild at 100k), so they start now and run while the source loads.
  const gitCommit = codeGitCommit();
  const lance = import('../index/lancedb/lancedb-vector-index.ts');
  lance.catch(() => {}); // awaited below; never an unhandled rejection when loading fails first

  progress({ phase: 'loading', done: 0, total: 1 });
  // An incremental build reads only the lines and files that changed since the last build (a full
  // one needs every document's text). The cache's hashes are that build's manifest.
  const cache = last && !options.full ? await readSourceCache(paths, last.version) : undefined;
  const loaded = await loadSource({
    path: options.source,
    maxFileBytes: options.maxFileBytes,
    cache: cache && last && { ...cache, hashes: last.manifest },
  });
  const warnings = loaded.warnings.map((w) => w.message);
  if (loaded.documents.length + loaded.reused.length === 0) {
    throw new InvalidInputError(
      `Source "${options.source}" has no loadable documents.${warnings.length ? `\n${warnings.join('\n')}` : ''}`,
    );
  }

  if (options.onlyIfChanged && last && !options.full) {
    const same = diffManifest(last.manifest, loaded.documents, loaded.reused);
    if (same.added.length + same.changed.length + same.removed.length === 0) {
      const builds = await listBuildVersions(options.home, paths.name);
      return { ...last, build: builds.indexOf(last.version) + 1, unchanged: true };
    }
  }

  const { openVectorIndex } = await lance;
  const index = await openVectorIndex({ uri: paths.lance });
  try {
    // A crashed build may have committed versions after the last recorded one: go back to it.
    const full = options.full === true || !head;
    if (head && (await index.version()) !== head.version) await index.restore(head.version);

    const diff = diffManifest(last?.manifest ?? {}, loaded.documents, loaded.reused);
    const toEmbed = full ? loaded.documents : [...diff.added, ...diff.changed];
    // Added ids too: after a restore there should be none, but a stray row must never duplicate.
    const ids = full ? [] : [...diff.changed.map((d) => d.id), ...diff.removed, ...diff.added.map((d) => d.id)];
    // LanceDB deletes on its own threads while the changed documents are chunked and embedded here;
    // the first write waits for it (1% of 100k: ~50 ms that no longer hold the build).
    const deleting = full ? index.countRows() : index.deleteByDocumentIds(ids);
    deleting.catch(() => {}); // awaited by chunkAndEmbed's first write and below
    const embedded = await chunkAndEmbed({
      index,
      embedder,
      docs: toEmbed,
      chunkerConfig,
      overwrite: full,
      after: deleting,
      options,
    });
    const deleted = await deleting;

    if ((await index.version()) === 0) {
      throw new InvalidInputError(`Source "${options.source}" has documents but no text to index.`);
    }
    progress({ phase: 'indexing', done: 0, total: 1 });
    await index.createOrRefreshIndexes({ force: full });
    if ((await index.version()) === head?.version) await index.touch(); // every build gets its own version
    const version = await index.version();
    const total = await index.countRows();
    const record: IndexBuild = {
      index: paths.name,
      version,
      source: { path: loaded.path, kind: loaded.kind },
      manifest: full || !last ? manifestOf(loaded.documents, loaded.reused) : updatedManifest(last.manifest, diff),
      chunker: chunkerConfig,
      embedder: embedderConfig,
      full,
      counts: {
        documents: {
          added: diff.added.length,
          changed: diff.changed.length,
          removed: diff.removed.length,
          unchanged: diff.unchanged.length,
        },
        chunks: { embedded, deleted, total },
      },
      warnings,
      durationMs: Math.round(performance.now() - startedAt),
      gitCommit: await gitCommit,
      createdAt: new Date().toISOString(),
    };
    progress({ phase: 'indexing', done: 1, total: 1 });
    // The cache names its build, so either may land first (source-cache-file.ts); each fsyncs.
    await Promise.all([writeSourceCache(paths, version, loaded.cache), writeBuildRecord(options.home, record)]);
    await writeIndexHead(options.home, paths.name, { version, buildVersion: version });
    return { ...record, build: (await listBuildVersions(options.home, paths.name)).indexOf(version) + 1 };
  } finally {
    index.close();
  }
}

/**
 * The last manifest, updated in place (`last` is not used again): 1% changed of 100k touches 1,000
 * keys, where building the manifest anew from 100k documents cost 25-100 ms.
 */
function updatedManifest(manifest: Record<string, string>, diff: ManifestDiff): Record<string, string> {
  for (const id of diff.removed) delete manifest[id];
  for (const d of [...diff.added, ...diff.changed]) {
    // defineProperty: an id "__proto__" must be a key, not the object's prototype.
    Object.defineProperty(manifest, d.id, {
      value: d.contentHash,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return manifest;
}

function manifestOf(
  documents: readonly { id: string; contentHash: string }[],
  reused: readonly { id: string; contentHash: string }[],
): Record<string, string> {
  // fromEntries, not assignment: an id "__proto__" must be a key, not the object's prototype.
  return Object.fromEntries([...documents, ...reused].map((d) => [d.id, d.contentHash]));
}

function checkSameIdentity(name: string, last: IndexBuild, chunker: IndexBuild['chunker'], embedder: EmbedderConfig) {
  const was = embedderIdentity(last.embedder);
  const now = embedderIdentity(embedder);
  if (was !== now) {
    throw new ConfigError(
      `Index ${name} was built with embedder ${was}; this build asks for ${now}. Vectors of different embedders cannot be mixed: pass --full to re-embed everything.`,
    );
  }
  const c = last.chunker;
  if (c.strategy !== chunker.strategy || c.size !== chunker.size || c.overlap !== chunker.overlap) {
    throw new ConfigError(
      `Index ${name} was chunked with ${c.strategy} size ${c.size} overlap ${c.overlap}; this build asks for ${chunker.strategy} size ${chunker.size} overlap ${chunker.overlap}. Pass --full to re-chunk everything.`,
    );
  }
}

async function chunkAndEmbed(input: {
  index: VectorIndex;
  embedder: Embedder;
  docs: readonly SourceDocument[];
  chunkerConfig: IndexBuild['chunker'];
  overwrite: boolean;
  /** Settled before the first write (the deletion of changed documents' rows). */
  after: Promise<unknown>;
  options: BuildIndexOptions;
}): Promise<number> {
  const { index, embedder, docs, options } = input;
  const progress = options.onProgress ?? (() => {});
  const chunker = createChunker(input.chunkerConfig);
  const chunks: { chunk: Chunk; doc: SourceDocument }[] = [];
  for (let i = 0; i < docs.length; i++) {
    options.abortSignal?.throwIfAborted();
    const doc = docs[i]!;
    for (const chunk of await chunker.chunk(doc)) chunks.push({ chunk, doc });
    if (i % 200 === 0) progress({ phase: 'chunking', done: i, total: docs.length });
  }
  progress({ phase: 'chunking', done: docs.length, total: docs.length });
  const batch = options.batchChunks ?? 4096;
  let overwrite = input.overwrite;
  progress({ phase: 'embedding', done: 0, total: chunks.length });
  // One batch is written while the next is embedded: LanceDB encodes and writes on its native
  // threads, so the JavaScript thread is free to hash meanwhile (at most two batches in memory).
  let writing: Promise<unknown> | undefined = input.after;
  try {
    for (let start = 0; start < chunks.length; start += batch) {
      const slice = chunks.slice(start, start + batch);
      const texts = slice.map(({ chunk }) => chunkIndexText(chunk));
      const embeddings = await embedBatch(embedder, texts, options, (done) =>
        progress({ phase: 'embedding', done: start + done, total: chunks.length }),
      );
      const rows = slice.map(({ chunk, doc }, i) => ({
        chunkId: chunk.id,
        documentId: chunk.documentId,
        documentHash: doc.contentHash,
        ...(chunk.title !== undefined && { title: chunk.title }),
        headingPath: chunk.headingPath,
        position: chunk.position,
        startChar: chunk.startChar,
        endChar: chunk.endChar,
        text: chunk.text,
        indexText: texts[i]!,
        metadata: doc.metadata,
        vector: embeddings[i]!,
      }));
      await writing; // commits stay in order: the previous batch is in before this one starts
      writing = index.add(rows, { overwrite });
      writing.catch(() => {}); // observed by the next await; never an unhandled rejection meanwhile
      overwrite = false;
      // The first write creates the table, which later appends need: that one is awaited at once.
      if (start === 0) await writing;
    }
    await writing;
  } finally {
    // On an error or abort no write may still be in flight when the caller cleans up.
    await writing?.catch(() => {});
  }
  if (overwrite) await index.add([], { overwrite: true }); // a full build of documents with no text
  return chunks.length;
}

async function embedBatch(
  embedder: Embedder,
  texts: string[],
  options: BuildIndexOptions,
  onProgress: (done: number) => void,
): Promise<readonly (Float32Array | number[])[]> {
  if (embedder instanceof HashEmbedder) {
    // In-process and synchronous: skip embedMany's number[] round trip, which costs ~2× the
    // hashing itself at 1024 dimensions (measured with bench/index-build.ts).
    options.abortSignal?.throwIfAborted();
    const vectors = texts.map((t) => embedder.embedOne(t));
    onProgress(texts.length);
    return vectors;
  }
  const { embeddings } = await embedMany({
    embedder,
    values: texts,
    ...(options.abortSignal && { abortSignal: options.abortSignal }),
    onProgress,
  });
  return embeddings;
}
