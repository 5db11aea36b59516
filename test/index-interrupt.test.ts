import { spawnSync } from 'node:child_process';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIndex, getIndexStatus, rebuildIndex } from '@ragops/rag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusLines } from './index-cli-helpers.ts';

let dir: string;
let home: string;
let corpus: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-index-interrupt-'));
  home = join(dir, 'home');
  corpus = join(dir, 'corpus.jsonl');
  await writeFile(corpus, corpusLines(600));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('interrupted and killed builds', () => {
  it('an interrupted first build says so, leaves nothing behind, and rebuild says what to run', async () => {
    const name = 'dev.docs.firstcut';
    const controller = new AbortController();
    const build = buildIndex({
      home,
      name,
      source: corpus,
      batchChunks: 25,
      abortSignal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'embedding' && p.done >= 50) controller.abort(new Error('Ctrl-C'));
      },
    });
    await expect(build).rejects.toThrow(/never built; the partial first build was removed/);
    const lance = join(home, 'indexes', name, 'lance');
    expect(await exists(lance)).toBe(false);
    await expect(rebuildIndex({ home, name })).rejects.toThrow(/never been built .*ragops index build/);

    // A first build killed with -9 leaves table files and no record: the next build starts clean.
    await mkdir(join(lance, 'chunks.lance', 'data'), { recursive: true });
    await writeFile(join(lance, 'chunks.lance', 'data', 'orphan.lance'), Buffer.alloc(4096));
    const first = await buildIndex({ home, name, source: corpus });
    expect(first.counts.chunks.total).toBe(600);
    expect(await exists(join(lance, 'chunks.lance', 'data', 'orphan.lance'))).toBe(false);
  });

  it('an interrupted rebuild names the build readers keep', async () => {
    const name = 'dev.docs.secondcut';
    await buildIndex({ home, name, source: corpus });
    await writeFile(corpus, corpusLines(600, 2));
    const controller = new AbortController();
    await expect(
      rebuildIndex({
        home,
        name,
        batchChunks: 25,
        abortSignal: controller.signal,
        onProgress: (p) => {
          if (p.phase === 'embedding' && p.done >= 50) controller.abort(new Error('Ctrl-C'));
        },
      }),
    ).rejects.toThrow(/still reads its last build .*next build or rebuild finishes the job/);
  });

  it('status tells a lock left by a dead process from a live one, and the next build takes it over', async () => {
    const name = 'dev.docs.deadlock';
    await buildIndex({ home, name, source: corpus });
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!; // a pid that has exited
    const indexDir = join(home, 'indexes', name);
    await mkdir(join(indexDir, 'build.lock'));
    const owner = { pid: gone, host: hostname(), startedAt: new Date().toISOString(), operation: 'build' };
    await writeFile(join(indexDir, 'build.lock.owner.json'), JSON.stringify(owner));
    const status = await getIndexStatus(home, name);
    expect(status.lock).toEqual({ state: 'stale', owner });
    expect(status.locked).toBe(false);

    const live = { ...owner, pid: process.pid };
    await writeFile(join(indexDir, 'build.lock.owner.json'), JSON.stringify(live));
    expect((await getIndexStatus(home, name)).lock).toEqual({ state: 'held', owner: live });

    await writeFile(join(indexDir, 'build.lock.owner.json'), JSON.stringify(owner));
    await buildIndex({ home, name, source: corpus });
    expect((await getIndexStatus(home, name)).lock).toEqual({ state: 'free' });
  });
});
