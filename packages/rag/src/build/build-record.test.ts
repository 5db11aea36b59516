import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findIndexHead, getIndexBuild } from './build-record.ts';
import { indexPaths } from './index-paths.ts';

describe('build records damaged outside ragops', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'ragops-build-record-'));
  });
  afterEach(async () => rm(home, { recursive: true, force: true }));

  it('a head.json that is not JSON is a config error naming the file', async () => {
    const paths = indexPaths(home, 'dev.docs.kb');
    await mkdir(paths.dir, { recursive: true });
    await writeFile(paths.head, '{"version": 3,');
    const error = await findIndexHead(home, 'dev.docs.kb').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'config_error' });
    expect((error as Error).message).toContain(paths.head);
  });

  it('a build record that is not JSON is a config error naming the file, not "no build"', async () => {
    const paths = indexPaths(home, 'dev.docs.kb');
    await mkdir(paths.builds, { recursive: true });
    await writeFile(join(paths.builds, '4.json'), 'garbage');
    const error = await getIndexBuild(home, 'dev.docs.kb', 4).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'config_error' });
    expect((error as Error).message).toContain(join(paths.builds, '4.json'));
  });
});
