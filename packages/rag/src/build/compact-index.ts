import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
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
  /** Versions removed, and the index folder's size on disk measured before and after. */
  cleanup: { versionsRemoved: number; bytesBefore: number; bytesAfter: number };
  /** Build versions still readable after cleanup. */
  retainedBuilds: number[];
  /**
   * Table versions neither retained nor pinned that are still on disk: Lance removes versions by
   * age and refuses to pass a pinned one, so everything newer than the oldest pin stays.
   */
  keptByAge: number[];
  /** Tag → version: pinned versions are never cleaned up. */
  tags: Record<string, number>;
};

/**
 * Compacts the table's data files and removes table versions older than the `retain` most recent
 * builds, with every file only they used (also files left by crashed or interrupted builds).
 * Tagged (pinned) versions are never removed; because Lance cleans up by age (LanceDB 0.31 offers no
 * other way), a pinned version also keeps every version newer than it — reported as `keptByAge`.
 * Holds the index lock (ConflictError during a build).
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
    const bytesBefore = await diskBytes(paths.lance);
    return withIndex(paths, async (index) => {
      if ((await index.version()) !== head.version) await index.restore(head.version); // after a crashed build
      const builds = (await listIndexBuilds(options.home, paths.name)).map((b) => b.version);
      const keep = builds.slice(-options.retain);
      const versions = await index.listVersions();
      const tags = await index.listTags();
      const stamp = (v: number) => versions.find((x) => x.version === v)?.timestamp.getTime();
      const protectedStamps = [...keep, ...Object.values(tags)].map(stamp).filter((t): t is number => t !== undefined);
      // One optimize call compacts and prunes: a second call would commit another version after
      // the head is written, and `index status` would then report a crashed build.
      const cutoff = protectedStamps.length > 0 ? new Date(Math.min(...protectedStamps) - CUTOFF_MARGIN_MS) : undefined;
      const result = await index.optimize({ ...(cutoff && { removeVersionsOlderThan: cutoff }) });
      const version = await index.version();
      await writeIndexHead(options.home, paths.name, { version, buildVersion: head.buildVersion });
      const remaining = (await index.listVersions()).map((v) => v.version);
      const wanted = new Set([...keep, ...Object.values(tags), version]);
      return {
        index: paths.name,
        version,
        compaction: { fragmentsRemoved: result.fragmentsRemoved, fragmentsAdded: result.fragmentsAdded },
        cleanup: { versionsRemoved: result.versionsRemoved, bytesBefore, bytesAfter: await diskBytes(paths.lance) },
        retainedBuilds: builds.filter((b) => remaining.includes(b)),
        keptByAge: remaining.filter((v) => !wanted.has(v)),
        tags,
      };
    });
  });
}

/** Bytes of the files under `dir` (allocated blocks, as du counts them). */
async function diskBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).blocks * 512;
  }
  return total;
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
