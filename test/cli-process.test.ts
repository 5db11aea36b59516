// The few things only the real `ragops` process shows (everything else is tested in-process through
// runCli): exit codes of the binary, what reaches a non-TTY stdout/stderr, and Ctrl-C.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, removeTempDir, runCliProcess, startCli, waitForStderr } from './index-cli-helpers.ts';

let dir: string;
let home: string;
const env = { RAGOPS_METADATA_URL: '', RAGOPS_TOKEN: '', LANCEDB_LOG: '' };
const children: ReturnType<typeof startCli>[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-cli-process-'));
  home = join(dir, 'home');
});
afterAll(async () => removeTempDir(dir, children));

describe('the ragops binary', () => {
  it('--help exits 0 listing every command group; bad usage exits 2; a failure in --json mode exits 2 with JSON', async () => {
    const help = await runCliProcess(['--help'], home, env);
    expect(help.code).toBe(0);
    for (const group of ['index', 'models', 'endpoints', 'inference', 'tokens', 'grants', 'audit']) {
      expect(help.stdout).toMatch(new RegExp(`^ {2}${group} `, 'm'));
    }
    expect(help.stderr).toBe('');
    const usage = await runCliProcess(['models', 'frobnicate'], home, env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/unknown command 'frobnicate'/);
    const missing = await runCliProcess(['--json', 'models', 'show', 'dev.nope.model'], home, env);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout).error.code).toBe('not_found');
  });

  it('a small build on a non-TTY: the result on stdout, one progress line and the warnings on stderr, no engine noise', async () => {
    const src = join(dir, 'src');
    await mkdir(src);
    for (const name of ['a', 'b', 'c']) await writeFile(join(src, `${name}.md`), `# ${name}\n\nText about ${name}.\n`);
    await writeFile(join(src, 'bad.txt'), Buffer.from([0x63, 0xff, 0xfe, 0x00, 0xc3]));
    const build = await runCliProcess(['index', 'build', 'dev.p.docs', '--source', src], home, env);
    expect(build.code, build.stderr).toBe(0);
    expect(build.stdout).toMatch(/^dev\.p\.docs build \d+/);
    expect(build.stdout).not.toMatch(/warning/);
    const lines = build.stderr.trim().split('\n');
    expect(lines.filter((l) => /^loading .* in [\d.]+ s$/.test(l))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('warning: ') && l.includes('bad.txt'))).toHaveLength(1);
    expect(lines).toHaveLength(2);
    expect(build.stderr).not.toMatch(/ExperimentalWarning|WARN lance/);
    // LANCEDB_LOG is the knob LanceDB's Rust core reads (the CLI defaults it to errors only): a user
    // who sets it sees the engine's log lines, one who does not sees none.
    const query = ['index', 'query', 'dev.p.docs', 'text about b', '--k', '1'];
    const quiet = await runCliProcess(query, home, env);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    const verbose = await runCliProcess(query, home, { ...env, LANCEDB_LOG: 'info' });
    expect(verbose.stderr).toMatch(/ INFO {2}lance/);
  });

  it('Ctrl-C stops `inference tail --follow` cleanly (exit 0, no error)', async () => {
    await runCliProcess(['init'], home, env);
    const child = startCli(['inference', 'tail', '--follow', '--interval-ms', '50'], home, env);
    children.push(child);
    const done = collect(child);
    await waitForStderr(child, /following new rows every 50 ms \(Ctrl-C stops\)/);
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stderr.trim()).toBe('following new rows every 50 ms (Ctrl-C stops)');
  });
});
