import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../build/build-index.ts';
import { closeIndexReaders } from '../search/index-reader-cache.ts';
import { getChunks, MAX_CHUNK_IDS } from './read-chunks.ts';

// A real two-version index on disk: version 1 has a.md, version 2 has a.md changed and b.md.
let home: string;
let v1: number;
let v2: number;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'ragops-chunks-'));
  const docs = join(home, 'docs');
  await mkdir(docs);
  await writeFile(join(docs, 'a.md'), '# A\n\nApples grow on trees.\n');
  v1 = (await buildIndex({ home, name: 'dev.t.kb', source: docs })).version;
  await writeFile(join(docs, 'a.md'), '# A\n\nApricots grow on trees too.\n');
  await writeFile(join(docs, 'b.md'), '# B\n\n<script>alert(1)</script> bananas.\n');
  v2 = (await buildIndex({ home, name: 'dev.t.kb', source: docs })).version;
}, 120_000);
afterAll(async () => {
  await closeIndexReaders();
  await rm(home, { recursive: true, force: true });
});

describe('getChunks', () => {
  it('reads chunks by id from the pinned version, not the latest; unknown ids are absent', async () => {
    const latest = await getChunks({ home, index: { name: 'dev.t.kb', version: v2 }, chunkIds: ['a.md#0', 'b.md#0'] });
    expect([...latest.keys()].sort()).toEqual(['a.md#0', 'b.md#0']);
    expect(latest.get('a.md#0')!.text).toContain('Apricots');
    expect(latest.get('b.md#0')).toMatchObject({ documentId: 'b.md', score: 0 });
    expect(latest.get('b.md#0')!.text).toContain('<script>'); // stored as given; pages escape it
    const pinned = await getChunks({
      home,
      index: { name: 'dev.t.kb', version: v1 },
      chunkIds: ['a.md#0', 'b.md#0', "x' OR '1'='1"],
    });
    expect([...pinned.keys()]).toEqual(['a.md#0']);
    expect(pinned.get('a.md#0')!.text).toContain('Apples');
  });

  it('refuses more ids than MAX_CHUNK_IDS and malformed ids; a missing index or version is NotFound', async () => {
    const many = Array.from({ length: MAX_CHUNK_IDS + 1 }, (_, i) => `d.md#${i}`);
    const index = { name: 'dev.t.kb', version: v2 };
    await expect(getChunks({ home, index, chunkIds: many })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(getChunks({ home, index, chunkIds: [''] })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(getChunks({ home, index: { name: 'dev.t.kb', version: 0 }, chunkIds: ['a'] })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(getChunks({ home, index: { name: 'dev.t.none', version: 1 }, chunkIds: ['a'] })).rejects.toMatchObject(
      {
        code: 'not_found',
      },
    );
    await expect(getChunks({ home, index: { name: 'dev.t.kb', version: 99 }, chunkIds: ['a'] })).rejects.toMatchObject({
      code: 'not_found',
    });
    expect((await getChunks({ home, index, chunkIds: [] })).size).toBe(0);
  });

  it('refuses NUL bytes, over-long ids and path-like index names; a quote in an id is data, not SQL', async () => {
    const index = { name: 'dev.t.kb', version: v2 };
    for (const bad of ['a.md\u0000#0', 'x'.repeat(513)]) {
      await expect(getChunks({ home, index, chunkIds: [bad] })).rejects.toMatchObject({ code: 'invalid_input' });
    }
    for (const name of ['../../etc', 'dev.t.kb/../kb', 'dev.t']) {
      await expect(getChunks({ home, index: { name, version: 1 }, chunkIds: ['a'] })).rejects.toMatchObject({
        code: 'invalid_input',
      });
    }
    // An id built to widen the IN predicate matches nothing (it is quoted as one literal).
    const injected = await getChunks({ home, index, chunkIds: ["a.md#0') OR chunk_id IS NOT NULL OR ('"] });
    expect(injected.size).toBe(0);
  });
});
