// Index pinning through the CLI (in process): `models register` and `models copy` by a principal
// (RAGOPS_TOKEN) without READ on the index's schema are refused and write nothing; `models lineage`
// hides the prod build from a dev-only reader and says so, and lists the endpoint serving @champion.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDir, runCli } from './index-cli-helpers.ts';

let dir: string;
let home: string;
let spec: string;
const INDEX = 'prod.secret.docs';

const SPEC = `
indexes:
  ${INDEX}:
    source: docs
    chunker: { strategy: recursive, size: 1000, overlap: 150 }
    embedder: { provider: hash, model: hash-v2, dimensions: 64 }
chains:
  qa:
    index: ${INDEX}
    retriever: { k: 3, mode: hybrid }
    prompt: prompts/qa.md
    llm: { provider: extractive, model: extractive-v1 }
`;
const PROMPT = `---
name: qa
variables: [question, context]
---
{{context}}
Question: {{question}}
`;

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, home, { RAGOPS_METADATA_URL: '', RAGOPS_TOKEN: '', ...env });
async function json<T = Record<string, unknown>>(args: string[], env: Record<string, string> = {}): Promise<T> {
  const r = await cli(['--json', ...args], env);
  if (r.code !== 0) throw new Error(`ragops ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
async function tokenFor(name: string, grants: [string, string][]): Promise<Record<string, string>> {
  await json(['principals', 'create', name]);
  for (const [privilege, securable] of grants) await json(['grants', 'add', name, privilege, securable]);
  const { token } = await json<{ token: string }>(['tokens', 'create', '--principal', name]);
  return { RAGOPS_TOKEN: token };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-pin-cli-'));
  home = join(dir, 'home');
  await mkdir(join(dir, 'docs'), { recursive: true });
  await mkdir(join(dir, 'prompts'), { recursive: true });
  await writeFile(join(dir, 'docs', 'launch.md'), '# Launch\n\nThe launch code is kept in prod only.\n');
  await writeFile(join(dir, 'prompts', 'qa.md'), PROMPT);
  spec = join(dir, 'ragops.yaml');
  await writeFile(spec, SPEC);
  await json(['init']);
  for (const schema of ['prod.secret', 'dev.sandbox']) await json(['schemas', 'create', schema]);
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
  // The admin's own prod model, pinning the prod index.
  await json(['models', 'register', 'prod.secret.qa', '--chain', 'qa', '--spec', spec]);
});
afterAll(async () => removeTempDir(dir));

describe('index pinning through the CLI', () => {
  const sandbox: [string, string][] = [
    ['USE_CATALOG', 'dev'],
    ['USE_SCHEMA', 'dev.sandbox'],
    ['CREATE_MODEL', 'dev.sandbox'],
  ];

  it('models register: CREATE_MODEL on dev.sandbox alone may not pin prod.secret.docs (exit 2, nothing written)', async () => {
    const mallory = await tokenFor('mallory', sandbox);
    const r = await cli(['models', 'register', 'dev.sandbox.exfil', '--chain', 'qa', '--spec', spec], mallory);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('index "prod.secret.docs" not found');
    const shown = await cli(['models', 'show', 'dev.sandbox.exfil']);
    expect(shown.code).toBe(2);
  });

  it('models register: READ on schema prod.secret (with usage) allows it', async () => {
    const reader = await tokenFor('prod_reader', [
      ...sandbox,
      ['USE_CATALOG', 'prod'],
      ['USE_SCHEMA', 'prod.secret'],
      ['READ', 'prod.secret'],
    ]);
    const v = await json<{ uri: string }>(
      ['models', 'register', 'dev.sandbox.ok', '--chain', 'qa', '--spec', spec],
      reader,
    );
    expect(v.uri).toBe('models:/dev.sandbox.ok/1');
  });

  it('models copy: READ on the prod model is not READ on its index (exit 2, names READ on schema prod.secret)', async () => {
    const copier = await tokenFor('copier', [
      ...sandbox,
      ['USE_CATALOG', 'prod'],
      ['USE_SCHEMA', 'prod.secret'],
      ['READ', 'prod.secret.qa'],
    ]);
    const r = await cli(['models', 'copy', 'models:/prod.secret.qa/1', 'dev.sandbox.copied'], copier);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/may not pin index "prod\.secret\.docs": lacks READ on schema "prod\.secret"/);
    expect((await cli(['models', 'show', 'dev.sandbox.copied'])).code).toBe(2);
  });

  it('models lineage: a dev-only reader sees no prod document list, and is told so; endpoints are listed', async () => {
    await json(['models', 'alias', 'set', 'dev.sandbox.ok', 'champion', '1']);
    const endpoint = await cli(['endpoints', 'create', 'sandbox-qa', '--serve', 'models:/dev.sandbox.ok@champion']);
    expect(endpoint.code, endpoint.stderr).toBe(0);
    const devReader = await tokenFor('dev_reader', [
      ['USE_CATALOG', 'dev'],
      ['USE_SCHEMA', 'dev.sandbox'],
      ['READ', 'dev.sandbox.ok'],
    ]);
    const hidden = await cli(['models', 'lineage', 'models:/dev.sandbox.ok@champion'], devReader);
    expect(hidden.code, hidden.stderr).toBe(0);
    expect(hidden.stdout).not.toContain('launch.md');
    expect(hidden.stdout).toContain('document list and source path hidden');
    expect(hidden.stdout).toMatch(/used by +endpoint sandbox-qa \(serves via @champion\)/);
    const admin = await cli(['models', 'lineage', 'models:/dev.sandbox.ok/1']);
    expect(admin.stdout).toContain('launch.md');
  });
});
