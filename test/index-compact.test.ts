import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIndex, compactIndex, getIndexStatus, pinIndexVersion, unpinIndexVersion } from '@ragops/rag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runJson } from './index-cli-helpers.ts';

type Build = { version: number };
type Compact = {
  version: number;
  cleanup: { versionsRemoved: number };
  retainedBuilds: number[];
  tags: Record<string, number>;
};
type History = { builds: { version: number; available: boolean; tags: string[] }[] };

const NAME = 'dev.docs.compact';
let dir: string;
let home: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-index-compact-'));
  home = join(dir, 'home');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Lance cleans up by age with a 1 s safety margin (see compact-index.ts): builds must be > 1 s apart.
const pause = () => new Promise((r) => setTimeout(r, 1100));

describe('ragops index compact', () => {
  it('removes versions older than the retained builds, never pinned ones', async () => {
    const file = join(dir, 'docs.jsonl');
    const builds: number[] = [];
    for (let i = 1; i <= 4; i++) {
      await writeFile(file, `${JSON.stringify({ id: 'only', text: `generation${i} of the text` })}\n`);
      builds.push((await runJson<Build>(['index', 'build', NAME, '--source', file], home)).version);
      if (i < 4) await pause();
    }
    await pinIndexVersion(home, NAME, builds[1]!, 'model-dev.docs.qa-1');

    const compacted = await runJson<Compact>(['index', 'compact', NAME, '--retain', '1'], home);
    expect(compacted.cleanup.versionsRemoved).toBeGreaterThan(0);
    expect(compacted.retainedBuilds).toEqual(builds.slice(1));
    expect(compacted.tags).toEqual({ 'model-dev.docs.qa-1': builds[1] });

    const gone = await runCli(['index', 'query', NAME, 'generation1', '--version', String(builds[0])], home);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/cleaned up/);
    const pinned = await runJson<{ hits: { text: string }[] }>(
      ['index', 'query', NAME, 'generation2', '--mode', 'fts', '--version', String(builds[1])],
      home,
    );
    expect(pinned.hits[0]!.text).toBe('generation2 of the text');
    const current = await runJson<{ version: number; hits: { text: string }[] }>(
      ['index', 'query', NAME, 'generation4', '--mode', 'fts'],
      home,
    );
    expect(current.version).toBe(compacted.version);
    expect(current.hits[0]!.text).toBe('generation4 of the text');

    const history = await runJson<History>(['index', 'history', NAME], home);
    expect(history.builds.map((b) => [b.version, b.available])).toEqual([
      [builds[0], false],
      [builds[1], true],
      [builds[2], true],
      [builds[3], true],
    ]);
    expect(history.builds[1]!.tags).toEqual(['model-dev.docs.qa-1']);

    await unpinIndexVersion(home, NAME, 'model-dev.docs.qa-1');
    await pause();
    const again = await runJson<Compact>(['index', 'compact', NAME, '--retain', '1'], home);
    expect(again.retainedBuilds).toEqual([builds[3]]);
    const last = await runJson<{ hits: { text: string }[] }>(
      ['index', 'query', NAME, 'generation4', '--mode', 'fts'],
      home,
    );
    expect(last.hits[0]!.text).toBe('generation4 of the text');
  }, 240_000); // a dozen CLI processes: slow when the machine is busy
});

/** Bytes on disk under `path`, counted as du does (allocated blocks). */
async function du(path: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(path, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(join(e.parentPath, e.name))).blocks * 512;
  }
  return total;
}

describe('compactIndex (in-process)', () => {
  it('shrinks the folder on disk, reports the measured sizes, and leaves `index status` truthful', async () => {
    const name = 'dev.docs.shrink';
    const file = join(dir, 'shrink.jsonl');
    const lines = (generation: number) =>
      Array.from({ length: 300 }, (_, i) =>
        JSON.stringify({ id: `d${i}`, text: `generation ${generation} ${'words of text '.repeat(40)} ${i}` }),
      ).join('\n');
    const builds: number[] = [];
    for (let g = 1; g <= 4; g++) {
      await writeFile(file, lines(g)); // every document changes: each build rewrites all rows
      builds.push((await buildIndex({ home, name, source: file, batchChunks: 50 })).version);
      if (g < 4) await pause();
    }
    const lance = join(home, 'indexes', name, 'lance');
    const before = await du(lance);
    const result = await compactIndex({ home, name, retain: 1 });
    const after = await du(lance);
    expect(after).toBeLessThan(before * 0.6); // three of four generations of data are gone
    expect(result.cleanup.bytesBefore).toBe(before);
    expect(result.cleanup.bytesAfter).toBe(after);
    expect(result.retainedBuilds).toEqual([builds[3]]);
    const status = await getIndexStatus(home, name);
    expect(status.uncommittedVersions).toBe(false);
    expect(status.version).toBe(result.version);
    // A second compaction has nothing to remove and must not grow the folder.
    await pause();
    const again = await compactIndex({ home, name, retain: 1 });
    expect(again.cleanup.bytesAfter).toBeLessThanOrEqual(after * 1.05);
    expect((await getIndexStatus(home, name)).uncommittedVersions).toBe(false);
  }, 120_000);
});
