import { NotFoundError } from '@ragops/core';
import { findIndexHead, getIndexBuild, listIndexBuilds } from './build-record.ts';
import { type IndexLockState, inspectIndexLock } from './index-lock.ts';
import { indexPaths } from './index-paths.ts';

export type IndexStatus = {
  index: string;
  /** Version reads see by default. */
  version: number;
  lastBuild: {
    /** Build number (1, 2, 3, …). */
    build: number;
    /** Its Lance table version. */
    version: number;
    createdAt: string;
    source: { path: string; kind: string };
    embedder: { provider: string; model: string; dimensions: number };
    chunker: { strategy: string; size: number; overlap: number };
    documents: number;
    chunks: number;
  };
  builds: number;
  /** Table versions on disk and which are tagged (pinned). */
  tableVersions: number;
  tags: Record<string, number>;
  /** A live build or compaction holds the lock now. */
  locked: boolean;
  /** The lock and its owner; `stale` means its process died (kill -9) and the next build takes it over. */
  lock: IndexLockState;
  /** The table has commits after the last recorded build (a build crashed or runs): the next build restores. */
  uncommittedVersions: boolean;
};

/**
 * The state of an index: current version, last build, builds, pins, lock. Throws NotFoundError when
 * the index was never built.
 */
export async function getIndexStatus(home: string, name: string): Promise<IndexStatus> {
  const paths = indexPaths(home, name);
  const head = await findIndexHead(home, paths.name);
  if (!head)
    throw new NotFoundError(`Index ${paths.name} does not exist in ${home}: build it with \`ragops index build\`.`);
  const build = await getIndexBuild(home, paths.name, head.buildVersion);
  const builds = await listIndexBuilds(home, paths.name);
  const { openVectorIndex } = await import('../index/lancedb/lancedb-vector-index.ts');
  const index = await openVectorIndex({ uri: paths.lance });
  try {
    const versions = await index.listVersions();
    const lock = await inspectIndexLock(paths);
    return {
      index: paths.name,
      version: head.version,
      lastBuild: {
        build: builds.findIndex((b) => b.version === build.version) + 1,
        version: build.version,
        createdAt: build.createdAt,
        source: build.source,
        embedder: build.embedder,
        chunker: build.chunker,
        documents: Object.keys(build.manifest).length,
        chunks: build.counts.chunks.total,
      },
      builds: builds.length,
      tableVersions: versions.length,
      tags: await index.listTags(),
      locked: lock.state === 'held',
      lock,
      uncommittedVersions: (await index.version()) !== head.version,
    };
  } finally {
    index.close();
  }
}

/**
 * Build history, oldest first, without manifests, each with whether its version is still readable.
 */
export async function listIndexHistory(
  home: string,
  name: string,
): Promise<
  (Omit<Awaited<ReturnType<typeof listIndexBuilds>>[number], 'manifest'> & {
    /** Build number (1, 2, 3, …); `version` is its Lance table version. */
    build: number;
    documents: number;
    available: boolean;
    tags: string[];
  })[]
> {
  const paths = indexPaths(home, name);
  const builds = await listIndexBuilds(home, paths.name);
  if (builds.length === 0) throw new NotFoundError(`Index ${paths.name} has no builds in ${home}.`);
  const { openVectorIndex } = await import('../index/lancedb/lancedb-vector-index.ts');
  const index = await openVectorIndex({ uri: paths.lance });
  try {
    const versions = new Map((await index.listVersions()).map((v) => [v.version, v.tags]));
    return builds.map(({ manifest, ...b }, i) => ({
      build: i + 1,
      ...b,
      documents: Object.keys(manifest).length,
      available: versions.has(b.version),
      tags: versions.get(b.version) ?? [],
    }));
  } finally {
    index.close();
  }
}
