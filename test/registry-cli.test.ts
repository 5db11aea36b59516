import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getIndexStatus } from '@ragops/rag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDir, runCli, runCliProcess } from './index-cli-helpers.ts';

// The registry end to end through the real `ragops` binary: a temp RAGOPS_HOME (SQLite), a real
// LanceDB index built by the CLI, a ragops.yaml + prompt written here.
let dir: string;
let home: string;
let spec: string;
const INDEX = 'dev.t.docs';
const MODEL = 'dev.t.docs_qa';

const PROMPT = `---
name: qa
description: test prompt
variables: [question, context]
---
Answer from the passages with [n] citations.
{{context}}
Question: {{question}}
`;

const SPEC = `
indexes:
  ${INDEX}:
    source: docs
    chunker: { strategy: recursive, size: 1000, overlap: 150 }
    embedder: { provider: hash, model: hash-v2, dimensions: 64 }
chains:
  qa:
    description: test chain
    index: ${INDEX}
    retriever: { k: 3, mode: hybrid }
    prompt: prompts/qa.md
    llm: { provider: extractive, model: extractive-v1 }
  wrong_embedder:
    index: ${INDEX}
    prompt: prompts/qa.md
    llm: { provider: extractive, model: extractive-v1 }
`;

// In-process runs, one at a time: two stores open on one SQLite file in one thread wait on each
// other's write lock synchronously (node:sqlite blocks the thread in busy_timeout), so what must run
// at once runs as processes (`cliProcess`).
const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, home, { RAGOPS_METADATA_URL: '', RAGOPS_TOKEN: '', ...env });
const cliProcess = (args: string[]) => runCliProcess(args, home, { RAGOPS_METADATA_URL: '', RAGOPS_TOKEN: '' });
async function json<T = Record<string, unknown>>(args: string[], env: Record<string, string> = {}): Promise<T> {
  const r = await cli(['--json', ...args], env);
  if (r.code !== 0) throw new Error(`ragops ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

type Version = {
  uri: string;
  version: number;
  packageSha256: string;
  aliases: string[];
  source: { uri: string } | null;
  package: { index: { name: string; version: number; tag: string } };
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-registry-cli-'));
  home = join(dir, 'home');
  await mkdir(join(dir, 'docs'), { recursive: true });
  await mkdir(join(dir, 'prompts'), { recursive: true });
  await writeFile(
    join(dir, 'docs', 'aliases.md'),
    '# Aliases\n\nAn alias such as champion names the version that serves traffic.\n',
  );
  await writeFile(join(dir, 'docs', 'copy.md'), '# Copy\n\nCopying a version from dev to staging keeps its lineage.\n');
  await writeFile(join(dir, 'prompts', 'qa.md'), PROMPT);
  spec = join(dir, 'ragops.yaml');
  // wrong_embedder's index entry is shared; give it a spec file of its own with other dimensions.
  await writeFile(spec, SPEC);
  await writeFile(join(dir, 'other.yaml'), SPEC.replace('dimensions: 64', 'dimensions: 32'));
  const init = await json<{ created: string[] }>(['init']);
  expect(init.created).toEqual(['dev', 'staging', 'prod']);
  const build = await cli([
    'index',
    'build',
    INDEX,
    '--source',
    join(dir, 'docs'),
    '--embedder',
    'hash',
    '--dimensions',
    '64',
  ]);
  expect(build.code, build.stderr).toBe(0);
});

afterAll(async () => {
  await removeTempDir(dir);
});

describe('ragops registry CLI', () => {
  it('init is idempotent', async () => {
    expect((await json<{ created: string[] }>(['init'])).created).toEqual([]);
  });

  it('registers, aliases, copies and shows lineage of a chain', async () => {
    const v1 = await json<Version>(['models', 'register', MODEL, '--chain', 'qa', '--spec', spec]);
    expect(v1.uri).toBe(`models:/${MODEL}/1`);
    const status = await getIndexStatus(home, INDEX);
    expect(v1.package.index).toMatchObject({
      name: INDEX,
      version: status.lastBuild.version,
      tag: `registry-v${status.lastBuild.version}`,
    });
    // The pinned index version carries a Lance tag, so cleanup keeps it.
    expect(status.tags[v1.package.index.tag]).toBe(v1.package.index.version);
    const v2 = await json<Version>(['models', 'register', MODEL, '--chain', 'qa', '--spec', spec, '--tag', 'run=2']);
    expect(v2.version).toBe(2);
    expect(v2.packageSha256).not.toBe(v1.packageSha256); // run info (time) differs

    const move = await json(['models', 'alias', 'set', MODEL, 'champion', '1', '--reason', 'first release']);
    expect(move).toMatchObject({ fromVersion: null, toVersion: 1 });
    const shown = await json<Version>(['models', 'show', `models:/${MODEL}@champion`]);
    expect(shown.version).toBe(1);

    const copy = await json<Version>(['models', 'copy', `models:/${MODEL}@champion`, 'staging.t.docs_qa']);
    expect(copy.uri).toBe('models:/staging.t.docs_qa/1');
    expect(copy.source?.uri).toBe(v1.uri);
    expect(copy.packageSha256).toBe(v1.packageSha256);

    type Lineage = {
      upstream: { copiedFrom: string[]; index: { build: { documents: { id: string }[] } | null } };
      downstream: { copies: string[] };
    };
    const lineage = await json<Lineage>(['models', 'lineage', copy.uri]);
    const sourceLineage = await json<Lineage>(['models', 'lineage', v1.uri]);
    const human = await cli(['models', 'lineage', `models:/${MODEL}@champion`]);
    expect(lineage.upstream.copiedFrom).toEqual([v1.uri]);
    expect(lineage.upstream.index.build?.documents.map((d) => d.id)).toEqual(['aliases.md', 'copy.md']);
    expect(sourceLineage.downstream.copies).toEqual([copy.uri]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      /upstream[\s\S]*index +dev\.t\.docs version \d+[\s\S]*aliases\.md[\s\S]*downstream[\s\S]*staging\.t\.docs_qa\/1/,
    );

    const deleted = await json<{ indexStillPinned: boolean }>(['models', 'delete-version', `models:/${MODEL}/2`]);
    expect(deleted.indexStillPinned).toBe(true);
    const v3 = await json<Version>(['models', 'register', MODEL, '--chain', 'qa', '--spec', spec]);
    expect(v3.version).toBe(3);

    const audit = await json<{ items: { action: string; details: { reason?: string } | null }[] }>([
      'audit',
      '--since',
      '1h',
    ]);
    const actions = audit.items.map((e) => e.action);
    for (const a of [
      'catalog.create',
      'schema.create',
      'model.create',
      'version.create',
      'alias.set',
      'version.copy',
      'version.delete',
    ]) {
      expect(actions).toContain(a);
    }
    expect(audit.items.find((e) => e.action === 'alias.set')?.details?.reason).toBe('first release');
  });

  it('refuses a chain whose embedder differs from the index build (exit 2)', async () => {
    const r = await cli(['models', 'register', MODEL, '--chain', 'qa', '--spec', join(dir, 'other.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/built differently[\s\S]*embedder\.dimensions: spec 32, build 64/);
  });

  it('acts as the principal of RAGOPS_TOKEN, which sees only what it was granted', async () => {
    await json(['principals', 'create', 'bob']);
    // `--quiet` prints the secret alone, as the README's `export TOKEN=$(…)` needs.
    const quiet = await cli(['tokens', 'create', '--principal', 'bob', '--expires', '1h', '--quiet']);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toMatch(/^\S+\n$/);
    const token = quiet.stdout.trim();
    const asBob = { RAGOPS_TOKEN: token };
    const before = await json<{ items: unknown[] }>(['models', 'list'], asBob);
    const hidden = await cli(['models', 'show', MODEL], asBob);
    const tokens = await json<{ items: { id: string }[] }>(['tokens', 'list', '--principal', 'bob']);
    expect(before.items).toEqual([]);
    expect(hidden.code).toBe(2);
    // Three CLI processes writing the same SQLite file at once: all three grants land.
    const grants = await Promise.all([
      cliProcess(['grants', 'add', 'bob', 'USE_CATALOG', 'dev']),
      cliProcess(['grants', 'add', 'bob', 'use_schema', 'dev.t']),
      cliProcess(['grants', 'add', 'bob', 'READ', MODEL]),
    ]);
    expect(grants.map((g) => g.code)).toEqual([0, 0, 0]);
    const models = await json<{ items: { fullName: string }[] }>(['models', 'list'], asBob);
    expect(models.items.map((m) => m.fullName)).toEqual([MODEL]);
    const denied = await cli(['--json', 'models', 'alias', 'set', MODEL, 'champion', '3'], asBob);
    expect(denied.code).toBe(2);
    expect(JSON.parse(denied.stdout).error.code).toBe('permission_denied');
    await json(['tokens', 'revoke', tokens.items[0]?.id ?? '']);
    const revoked = await cli(['--json', 'models', 'list'], asBob);
    expect(revoked.code).toBe(2);
    expect(JSON.parse(revoked.stdout).error.code).toBe('unauthenticated');
  });

  it('reports bad input and failures with their error code and exit code (table)', async () => {
    const cases: [string, string[], string][] = [
      ['a bad model name', ['models', 'register', 'Dev.t.x', '--chain', 'qa', '--spec', 'SPEC'], 'invalid_input'],
      ['an unknown chain', ['models', 'register', MODEL, '--chain', 'nope', '--spec', 'SPEC'], 'config_error'],
      [
        'a missing spec file',
        ['models', 'register', MODEL, '--chain', 'qa', '--spec', '/nonexistent/ragops.yaml'],
        'not_found',
      ],
      ['a bad alias name', ['models', 'alias', 'set', MODEL, 'Champion', '1'], 'invalid_input'],
      ['a bad version number', ['models', 'alias', 'set', MODEL, 'champion', 'one'], 'invalid_input'],
      ['an alias to a missing version', ['models', 'alias', 'set', MODEL, 'champion', '99'], 'not_found'],
      ['a malformed URI', ['models', 'lineage', 'models:/dev.t'], 'invalid_input'],
      ['an unknown privilege', ['grants', 'add', 'bob', 'OWN', 'dev'], 'invalid_input'],
      ['a bad audit time', ['audit', '--since', 'yesterday'], 'invalid_input'],
      ['a bad token expiry', ['tokens', 'create', '--expires', 'soon'], 'invalid_input'],
      [
        'a tag without =',
        ['models', 'register', MODEL, '--chain', 'qa', '--spec', 'SPEC', '--tag', 'nokv'],
        'invalid_input',
      ],
      ['a duplicate catalog', ['catalogs', 'create', 'dev'], 'conflict'],
      [
        'a missing index version',
        ['models', 'register', MODEL, '--chain', 'qa', '--spec', 'SPEC', '--index-version', '999'],
        'not_found',
      ],
      [
        'a model in a catalog that does not exist',
        ['models', 'register', 'nocat.t.m', '--chain', 'qa', '--spec', 'SPEC'],
        'not_found',
      ],
    ];
    const results: Awaited<ReturnType<typeof cli>>[] = [];
    for (const [, args] of cases) results.push(await cli(['--json', ...args.map((a) => (a === 'SPEC' ? spec : a))]));
    cases.forEach(([what, , code], i) => {
      const r = results[i]!;
      expect(JSON.parse(r.stdout).error.code, what).toBe(code);
      expect(r.code, what).toBe(code === 'conflict' ? 1 : 2);
      expect(r.stderr, what).toMatch(/^error: /m);
    });
  });
});
