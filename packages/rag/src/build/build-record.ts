import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, NotFoundError, parseInput } from '@ragops/core';
import { z } from 'zod';
import { CHUNK_STRATEGIES } from '../chunk/chunk.ts';
import { embedderConfigSchema } from '../embed/create-embedder.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { indexPaths } from './index-paths.ts';

export const documentCountsSchema = z.object({
  added: z.number().int(),
  changed: z.number().int(),
  removed: z.number().int(),
  unchanged: z.number().int(),
});
export const chunkCountsSchema = z.object({
  embedded: z.number().int(),
  deleted: z.number().int(),
  total: z.number().int(),
});

/** What one build did, kept as `<home>/indexes/<name>/builds/<version>.json`. */
export const indexBuildSchema = z.object({
  index: z.string(),
  /** The LanceDB table version this build committed; pass it to queryIndex({ version }). */
  version: z.number().int().positive(),
  source: z.object({ path: z.string(), kind: z.enum(['folder', 'jsonl']) }),
  /** document id → sha256 content hash. */
  manifest: z.record(z.string(), z.string()),
  chunker: z.object({ strategy: z.enum(CHUNK_STRATEGIES), size: z.number().int(), overlap: z.number().int() }),
  embedder: embedderConfigSchema,
  full: z.boolean(),
  counts: z.object({ documents: documentCountsSchema, chunks: chunkCountsSchema }),
  warnings: z.array(z.string()),
  durationMs: z.number(),
  /** `git rev-parse HEAD` of the ragops code that built it, or null outside a git checkout. */
  gitCommit: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type IndexBuild = z.infer<typeof indexBuildSchema>;

/** The version reads see by default: the last build's, or a later compaction of the same content. */
export const indexHeadSchema = z.object({ version: z.number().int(), buildVersion: z.number().int() });
export type IndexHead = z.infer<typeof indexHeadSchema>;

/**
 * Writes a build record as two files: `<version>.manifest.json` (document id → content hash, MBs at
 * 100k documents) first, then `<version>.json` (everything else; its presence makes the build exist).
 * A query needs only the small one: parsing and validating a 100k-document manifest took 0.4-1.7 s
 * of a one-shot `ragops index query` (measured with bench/index-build.ts, load 10-12).
 */
export async function writeBuildRecord(home: string, record: IndexBuild): Promise<void> {
  const paths = indexPaths(home, record.index);
  const { manifest, ...rest } = record;
  await writeFileAtomic(manifestPath(paths.builds, record.version), `${JSON.stringify(manifest)}\n`);
  await writeFileAtomic(join(paths.builds, `${record.version}.json`), `${JSON.stringify(rest, null, 2)}\n`);
}

export async function writeIndexHead(home: string, name: string, head: IndexHead): Promise<void> {
  await writeFileAtomic(indexPaths(home, name).head, `${JSON.stringify(head)}\n`);
}

export async function findIndexHead(home: string, name: string): Promise<IndexHead | undefined> {
  const path = indexPaths(home, name).head;
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  return text === undefined ? undefined : parseInput(indexHeadSchema, parseJsonFile(text, path), path);
}

/**
 * Every recorded build of an index, oldest first; empty when the index was never built.
 * @example
 * const builds = await listIndexBuilds('.ragops', 'dev.docs.kb');
 */
export async function listIndexBuilds(home: string, name: string): Promise<IndexBuild[]> {
  const dir = indexPaths(home, name).builds;
  return Promise.all(
    (await listBuildVersions(home, name)).map(async (v) =>
      withManifest(dir, await readStoredBuild(join(dir, `${v}.json`))),
    ),
  );
}

/**
 * Table versions of the recorded builds, oldest first, without reading the records. Build number n
 * (what users see: 1, 2, 3, …) is element n - 1: Lance versions jump (a build commits several times).
 */
export async function listBuildVersions(home: string, name: string): Promise<number[]> {
  const files = await readdir(indexPaths(home, name).builds).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as string[];
    throw e;
  });
  return files
    .map((f) => /^(\d+)\.json$/.exec(f)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** Table version of build number `build` (1-based). Throws NotFoundError naming the builds there are. */
export async function buildVersionOf(home: string, name: string, build: number): Promise<number> {
  const versions = await listBuildVersions(home, name);
  const version = versions[build - 1];
  if (!Number.isInteger(build) || build < 1 || version === undefined) {
    const have = versions.length === 0 ? 'no builds' : `builds 1-${versions.length}`;
    throw new NotFoundError(`Index ${indexPaths(home, name).name} has no build ${build} (it has ${have}).`);
  }
  return version;
}

/**
 * The build record of `version`. Throws NotFoundError when that version was not produced by a build.
 * @example
 * const build = await getIndexBuild('.ragops', 'dev.docs.kb', 7); // build.manifest, build.embedder
 */
export async function getIndexBuild(home: string, name: string, version: number): Promise<IndexBuild> {
  const dir = indexPaths(home, name).builds;
  return withManifest(dir, await getIndexBuildWithoutManifest(home, name, version));
}

/** A build record without its document manifest (what a query needs), read without reading the manifest. */
export async function getIndexBuildWithoutManifest(home: string, name: string, version: number): Promise<StoredBuild> {
  const path = join(indexPaths(home, name).builds, `${version}.json`);
  try {
    return await readStoredBuild(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError(
        `Index ${indexPaths(home, name).name} has no build at version ${version}. See \`ragops index history\`.`,
      );
    }
    throw error;
  }
}

const manifestPath = (buildsDir: string, version: number) => join(buildsDir, `${version}.manifest.json`);

// A plain loop: z.record over 100k entries cost 0.25-1.2 s per read (measured); Object.values(v)
// .every cost 32-71 ms (it copies the values first), for-in 21-29 ms.
const manifestSchema = z.custom<Record<string, string>>(
  (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    for (const id in v) if (typeof (v as Record<string, unknown>)[id] !== 'string') return false;
    return true;
  },
  { message: 'expected an object of document id → content hash strings' },
);
/** On disk: records written before the manifest moved to its own file still hold it inline. */
const storedBuildSchema = indexBuildSchema.omit({ manifest: true }).extend({ manifest: manifestSchema.optional() });
type StoredBuild = Omit<IndexBuild, 'manifest'> & { manifest?: IndexBuild['manifest'] };

async function readStoredBuild(path: string): Promise<StoredBuild> {
  return parseInput(storedBuildSchema, parseJsonFile(await readFile(path, 'utf8'), path), path);
}

async function withManifest(buildsDir: string, stored: StoredBuild): Promise<IndexBuild> {
  if (stored.manifest) return { ...stored, manifest: stored.manifest };
  const path = manifestPath(buildsDir, stored.version);
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') throw new ConfigError(`${path} is missing: the build record next to it has no manifest.`);
    throw e;
  });
  return { ...stored, manifest: parseInput(manifestSchema, parseJsonFile(text, path), path) };
}

// Records are written atomically, so a file that is not JSON was damaged outside ragops: name it.
function parseJsonFile(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON (${(error as Error).message}); it was changed outside ragops.`, {
      cause: error,
    });
  }
}
