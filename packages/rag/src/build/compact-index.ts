import { InvalidInputError, NotFoundError } from '@ragops/core';
import type { VectorIndex } from '../index/vector-index.ts';
import { findIndexHead, getIndexBuild, listIndexBuilds, writeIndexHead } from './build-record.ts';
import { withIndexLock } from './index-lock.ts';
import { type IndexPaths, indexPaths } from './index-paths.ts';

// LanceDB's JS API turns `cleanupOlderThan` into "now - date" and Lance turns it back with its own
// later "now", so the cutoff drifts forward by the call's duration; Lance then refuses to run if a
// tagged version falls before it. Backing off by this much keeps versions at the edge safe.
const CUTOFF_MARGIN_MS = 1000;

export type CompactIndexResult = {
  index: string;
  /** Table version reads see after compaction (same content as the last build). */
  version: number;
  compaction: { fragmentsRemoved: number; fragmentsAdded: number };
  cleanup: { versionsRemoved: number; bytesRemoved: number };
  /** Build versions still readable after cleanup. */
  retainedBuilds: number[];
  /** Tag → version: pinned versions are never cleaned up. */
  tags: Record<string, number>;
};

/**
 * Compacts the table's data files, then removes table versions older than the `retain` most recent
 * builds. Tagged (pinned) versions are never removed; because Lance cleans up by age, a pinned
 * version also keeps every version newer than it. Holds the index lock (ConflictError during a build).
 * @example
 * await compactIndex({ home: '.ragops', name: 'dev.docs.kb', retain: 3 });
 */
export async function compactIndex(options: {
  home: string;
  name: string;
  retain: number;
}): Promise<CompactIndexResult> {
  if (!Number.isInteger(options.retain) || options.retain < 1) {
    throw new InvalidInputError(`retain must be an integer ≥ 1, got ${options.retain}`);
  }
  const paths = indexPaths(options.home, options.name);
  return withIndexLock(paths, 'compact', async () => {
    const head = await findIndexHead(options.home, paths.name);
    if (!head) throw new NotFoundError(`Index ${paths.name} has never been built.`);
    return withIndex(paths, async (index) => {
      if ((await index.version()) !== head.version) await index.restore(head.version); // after a crashed build
      const compaction = await index.compact();
      const version = await index.version();
      await writeIndexHead(options.home, paths.name, { version, buildVersion: head.buildVersion });
      const builds = (await listIndexBuilds(options.home, paths.name)).map((b) => b.version);
      const keep = builds.slice(-options.retain);
      const versions = await index.listVersions();
      const tags = await index.listTags();
      const stamp = (v: number) => versions.find((x) => x.version === v)?.timestamp.getTime();
      const protectedStamps = [...keep, ...Object.values(tags)].map(stamp).filter((t): t is number => t !== undefined);
      let cleanup = { versionsRemoved: 0, bytesRemoved: 0 };
      if (protectedStamps.length > 0) {
        const cutoff = new Date(Math.min(...protectedStamps) - CUTOFF_MARGIN_MS);
        const r = await index.cleanup(cutoff);
        cleanup = { versionsRemoved: r.versionsRemoved, bytesRemoved: r.bytesRemoved };
      }
      const remaining = new Set((await index.listVersions()).map((v) => v.version));
      return {
        index: paths.name,
        version,
        compaction,
        cleanup,
        retainedBuilds: builds.filter((b) => remaining.has(b)),
        tags,
      };
    });
  });
}

/**
 * Tags build `version` so cleanup never removes it (the registry pins model versions this way).
 * Idempotent; moving an existing tag re-points it. Throws NotFoundError for an unknown version.
 * @example
 * await pinIndexVersion('.ragops', 'prod.support.docs', 7, 'model-prod.support.docs_qa-3');
 */
export async function pinIndexVersion(home: string, name: string, version: number, tag: string): Promise<void> {
  await getIndexBuild(home, name, version);
  const paths = indexPaths(home, name);
  await withIndex(paths, async (index) => {
    const available = (await index.listVersions()).some((v) => v.version === version);
    if (!available)
      throw new NotFoundError(`Index ${paths.name} version ${version} was cleaned up; it cannot be pinned.`);
    await index.tagVersion(tag, version);
  });
}

/** Removes a pin made by pinIndexVersion (no-op when the tag does not exist). */
export async function unpinIndexVersion(home: string, name: string, tag: string): Promise<void> {
  await withIndex(indexPaths(home, name), (index) => index.untagVersion(tag));
}

async function withIndex<T>(paths: IndexPaths, work: (index: VectorIndex) => Promise<T>): Promise<T> {
  const { openVectorIndex } = await import('../index/lancedb/lancedb-vector-index.ts');
  const index = await openVectorIndex({ uri: paths.lance });
  try {
    return await work(index);
  } finally {
    index.close();
  }
}
