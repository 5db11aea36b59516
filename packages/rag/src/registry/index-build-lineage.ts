import type { IndexBuildLineage, PinnedIndex } from '@ragops/core';
import { NotFoundError } from '@ragops/core';
import { getIndexBuild } from '../build/build-record.ts';

/**
 * A `resolveIndexBuild` hook for getLineage: the pinned build's document manifest, source and commit
 * from the build records in `home` (undefined when the record is not on this machine).
 */
export function indexBuildLineage(home: string): (index: PinnedIndex) => Promise<IndexBuildLineage | undefined> {
  return async (index) => {
    try {
      const build = await getIndexBuild(home, index.name, index.version);
      return {
        documents: Object.entries(build.manifest)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([id, sha256]) => ({ id, sha256 })),
        builtAt: build.createdAt,
        ...(build.gitCommit ? { gitCommit: build.gitCommit } : {}),
        source: build.source.path,
      };
    } catch (error) {
      if (NotFoundError.isInstance(error) && error.code === 'not_found') return undefined;
      throw error;
    }
  };
}
