import { InvalidInputError } from '@ragops/core';
import { indexPaths } from '../build/index-paths.ts';
import { openIndexReader } from '../search/index-reader-cache.ts';
import type { IndexHit } from './vector-index.ts';

/**
 * Most chunk ids one read takes: a review page shows one item's passages (k ≤ 50 in practice) and
 * an export pass groups items per index version; more would make the IN predicate and the page
 * unbounded. Callers split larger sets.
 */
export const MAX_CHUNK_IDS = 500;

/** A pinned index version: the name and the Lance table version a model version or an inference row names. */
export type IndexRef = { name: string; version: number };

/**
 * The chunks with these ids in one pinned index version under `home`, by id (unknown ids are
 * absent). It does NOT check grants: the caller checks READ on the index first (`indexReadDenial`
 * in @ragops/core). Opens the version read-only without loading it into memory (`resident: false`):
 * reviewer pages and exports are human-paced. Throws InvalidInputError for more than MAX_CHUNK_IDS
 * ids or a malformed one; NotFoundError when the index or that version does not exist (any more).
 * @example const texts = await getChunks({ home, index: { name: 'dev.docs.kb', version: 3 }, chunkIds: ['guide.md#0'] })
 */
export async function getChunks(options: {
  home: string;
  index: IndexRef;
  chunkIds: readonly string[];
}): Promise<Map<string, IndexHit>> {
  const ids = [...new Set(options.chunkIds)];
  if (ids.length > MAX_CHUNK_IDS) {
    throw new InvalidInputError(`chunkIds: at most ${MAX_CHUNK_IDS} per read, got ${ids.length}`);
  }
  const bad = ids.find((id) => id.length === 0 || id.length > 512 || id.includes('\u0000'));
  if (bad !== undefined) throw new InvalidInputError(`chunkIds: "${bad.slice(0, 80)}" is not a chunk id`);
  if (!Number.isInteger(options.index.version) || options.index.version < 1) {
    throw new InvalidInputError(`index version must be a positive integer, got ${options.index.version}`);
  }
  if (ids.length === 0) return new Map();
  const paths = indexPaths(options.home, options.index.name);
  const reader = await openIndexReader(paths.lance, options.index.version, { resident: false });
  return new Map((await reader.getChunks(ids)).map((hit) => [hit.chunkId, hit]));
}
