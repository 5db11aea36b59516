import { readFile } from 'node:fs/promises';
import { parseSourceCache, type SourceCache, type SourceCacheRecord } from '../load/source-cache.ts';
import { writeFileAtomic } from './atomic-write.ts';
import type { IndexPaths } from './index-paths.ts';

/**
 * Writes the source cache of build `buildVersion` (table version) as `<index>/source-cache.json`,
 * replacing the last one: one file per index (3.4 MB at 100k jsonl lines), not one per build. It
 * may be written before or after the build record: a cache of any other build than the head's is
 * ignored, so a crash in between costs one full read of the source, never a wrong document.
 */
export async function writeSourceCache(
  paths: IndexPaths,
  buildVersion: number,
  cache: SourceCacheRecord,
): Promise<void> {
  await writeFileAtomic(paths.sourceCache, `${JSON.stringify({ build: buildVersion, cache })}\n`);
}

/** The source cache written by build `buildVersion`, or undefined (none, another build's, damaged, another version). */
export async function readSourceCache(paths: IndexPaths, buildVersion: number): Promise<SourceCache | undefined> {
  const text = await readFile(paths.sourceCache, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined; // written atomically: damaged outside ragops; the build reads the whole source
  }
  if (typeof json !== 'object' || json === null || (json as { build?: unknown }).build !== buildVersion)
    return undefined;
  return parseSourceCache((json as { cache?: unknown }).cache);
}
