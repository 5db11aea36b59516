import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinIndexVersion, unpinIndexVersion } from '@ragops/rag';
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
