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

/** Paths already made: every query asks (a parse and six joins were ~2% of a served request's CPU). */
const made = new Map<string, Readonly<IndexPaths>>();
const MADE_MAX = 256;

/** Paths of index `name` in `home`: `<home>/indexes/<catalog>.<schema>.<name>/…`. Throws InvalidInputError. */
export function indexPaths(home: string, name: string): Readonly<IndexPaths> {
  const key = `${home}\0${name}`;
  const known = made.get(key);
  if (known) return known;
  const canonical = formatThreeLevelName(parseThreeLevelName(name));
  const dir = join(home, 'indexes', canonical);
  const paths = Object.freeze({
    name: canonical,
    dir,
    lance: join(dir, 'lance'),
    builds: join(dir, 'builds'),
    head: join(dir, 'head.json'),
    lock: join(dir, 'build.lock'),
    sourceCache: join(dir, 'source-cache.json'),
  });
  if (made.size >= MADE_MAX) made.delete(made.keys().next().value!);
  made.set(key, paths);
  return paths;
}
