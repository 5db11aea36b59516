// `ragops index build <name>` without --source builds the index ragops.yaml defines, with its chunker
// and embedder, so a later `models register` finds a matching build.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDir, runCli, runJson } from './index-cli-helpers.ts';

describe('ragops index build from ragops.yaml', () => {
  let dir: string;
  let home: string;
  let spec: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ragops-index-spec-'));
    home = join(dir, 'home');
    await mkdir(join(dir, 'kb'));
    await writeFile(join(dir, 'kb', 'a.md'), '# Alpha\n\nAlpha documents explain the first letter.\n');
    await writeFile(join(dir, 'kb', 'b.md'), '# Beta\n\nBeta documents explain the second letter.\n');
    spec = join(dir, 'ragops.yaml');
    await writeFile(
      spec,
      [
        'version: 1',
        'indexes:',
        '  dev.kb.letters:',
        '    source: kb',
        '    chunker: { strategy: markdown, size: 400, overlap: 40 }',
        '    embedder: { provider: hash, model: hash-v2, dimensions: 256 }',
        'chains: {}',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => removeTempDir(dir));

  it('uses the source, chunker and embedder the spec defines', async () => {
    const build = await runJson<{
      source: { path: string };
      chunker: { strategy: string; size: number; overlap: number };
      embedder: { dimensions: number };
      counts: { documents: { added: number } };
    }>(['index', 'build', 'dev.kb.letters', '--spec', spec], home);
    expect(build.source.path).toBe(join(dir, 'kb'));
    expect(build.chunker).toMatchObject({ strategy: 'markdown', size: 400, overlap: 40 });
    expect(build.embedder.dimensions).toBe(256);
    expect(build.counts.documents.added).toBe(2);
  });

  it('names file:line: key.path of a bad setting in the spec (exit 2)', async () => {
    const typo = join(dir, 'typo.yaml');
    await writeFile(
      typo,
      'indexes:\n  dev.kb.letters:\n    source: kb\n    chunker: { strategy: markdwn }\nchains: {}\n',
    );
    const result = await runCli(['index', 'build', 'dev.kb.letters', '--spec', typo], home);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: .*typo\.yaml:4: indexes\.dev\.kb\.letters\.chunker\.strategy: /m);
    expect(result.stderr).not.toMatch(/typo\.yaml\./);
  });

  it('refuses an index the spec does not define, naming the ones it does (exit 2)', async () => {
    const result = await runCli(['index', 'build', 'dev.kb.missing', '--spec', spec], home);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/defines no index "dev\.kb\.missing".*defined: dev\.kb\.letters/);
  });
});
