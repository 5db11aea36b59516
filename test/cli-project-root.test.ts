// Run from a project's subfolder, the CLI uses the project's ragops.yaml and state (found walking up
// to ragops.yaml, as git walks up to .git) and says so once on stderr, instead of starting an empty
// ./.ragops where it stands.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDir, runCli } from './index-cli-helpers.ts';

let dir: string;
let project: string;
let sub: string;
// No RAGOPS_HOME: the default is what is tested.
const noHome = { RAGOPS_HOME: '', RAGOPS_METADATA_URL: '', RAGOPS_TOKEN: '' };
const at = (cwd: string, args: string[]) => runCli(args, '', noHome, { cwd });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-project-root-'));
  project = join(dir, 'project');
  sub = join(project, 'notes', 'deep');
  await mkdir(sub, { recursive: true });
  await mkdir(join(project, 'kb'));
  await writeFile(join(project, 'kb', 'a.md'), '# Alpha\n\nAlpha is the first letter.\n');
  await writeFile(
    join(project, 'ragops.yaml'),
    'indexes:\n  dev.kb.letters:\n    source: kb\n    embedder: { provider: hash, model: hash-v2, dimensions: 64 }\nchains: {}\n',
  );
});
afterAll(async () => removeTempDir(dir));

describe('the project root', () => {
  it('from a subfolder: the root’s state and spec, said once on stderr', async () => {
    const init = await at(sub, ['--json', 'init']);
    expect(init.code, init.stderr).toBe(0);
    expect(JSON.parse(init.stdout).home).toBe(join(project, '.ragops'));
    expect(init.stderr.trim().split('\n')).toEqual([
      `ragops: project ${project} (found ragops.yaml ../..), state in ${join(project, '.ragops')}`,
    ]);
    expect(existsSync(join(sub, '.ragops'))).toBe(false);

    // The spec is the root's too: its relative source resolves from the root, not from here.
    const build = await at(sub, ['--json', 'index', 'build', 'dev.kb.letters']);
    expect(build.code, build.stderr).toBe(0);
    expect(JSON.parse(build.stdout).source.path).toBe(join(project, 'kb'));
    expect(existsSync(join(project, '.ragops', 'indexes'))).toBe(true);
  });

  it('at the root, or with RAGOPS_HOME / --home: no notice', async () => {
    const atRoot = await at(project, ['init']);
    expect(atRoot.code).toBe(0);
    expect(atRoot.stderr).toBe('');
    const explicit = await runCli(['init'], join(dir, 'elsewhere'), { RAGOPS_METADATA_URL: '' }, { cwd: sub });
    expect(explicit.stderr).toBe('');
    expect(explicit.stdout).toContain(join(dir, 'elsewhere'));
  });

  it('outside any project: ./.ragops where it runs; --help says which', async () => {
    const outside = join(dir, 'outside');
    await mkdir(outside);
    const init = await at(outside, ['--json', 'init']);
    expect(JSON.parse(init.stdout).home).toBe(join(outside, '.ragops'));
    expect(init.stderr).toBe('');
    expect((await at(outside, ['--help'])).stdout).toMatch(/no ragops\.yaml here or above/);
    expect((await at(sub, ['--help'])).stdout).toContain(`project ${project}`);
  });
});
