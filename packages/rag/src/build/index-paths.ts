import { join } from 'node:path';
import { formatThreeLevelName, parseThreeLevelName } from '@ragops/core';

/** Where one index keeps its state under RAGOPS_HOME. */
export type IndexPaths = {
  /** Canonical `catalog.schema.name`. */
  name: string;
  dir: string;
  /** LanceDB folder holding the `chunks` table. */
  lance: string;
  /** One `<version>.json` build record per build. */
  builds: string;
  /** Points at the table version reads see by default (the last build, or its compaction). */
  head: string;
  lock: string;
  /** The last build's source cache (load/source-cache.ts): one file, replaced by every build. */
  sourceCache: string;
};

/** Paths of index `name` in `home`: `<home>/indexes/<catalog>.<schema>.<name>/…`. Throws InvalidInputError. */
export function indexPaths(home: string, name: string): IndexPaths {
  const canonical = formatThreeLevelName(parseThreeLevelName(name));
  const dir = join(home, 'indexes', canonical);
  return {
    name: canonical,
    dir,
    lance: join(dir, 'lance'),
    builds: join(dir, 'builds'),
    head: join(dir, 'head.json'),
    lock: join(dir, 'build.lock'),
    sourceCache: join(dir, 'source-cache.json'),
  };
}
