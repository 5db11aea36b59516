// `ragops pipeline`'s flags: a bad name, a 100k-character run or an out-of-range number is exit 2
// naming the flag, before the spec is read or the registry opened (so none of it is created).
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDir, runCli } from './index-cli-helpers.ts';

const RUN = 'x'.repeat(100_000);

describe('ragops pipeline flags', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'ragops-pipeline-flags-'));
  });
  afterAll(async () => removeTempDir(home));

  it.each([
    ['--catalog', RUN, /--catalog/],
    ['--catalog', 'Prod', /--catalog/],
    ['--from', 'dev.qs', /--from/],
    ['--model', RUN, /--model/],
    ['--to', 'prod', /--to/],
    ['--concurrency', '0', /--concurrency/],
    ['--concurrency', RUN, /--concurrency/],
    ['--judge-model', `local/${RUN} x`, /--judge-model/],
  ])('%s <bad> → exit 2 naming the flag', async (flag, value, message) => {
    const args = ['pipeline', 'run', 'docs_qa', flag, value, '--spec', join(home, 'absent.yaml')];
    const r = await runCli(args, home);
    expect(r.code, r.stderr.slice(0, 300)).toBe(2);
    expect(r.stderr.slice(0, 2000)).toMatch(message);
    expect(await readdir(home)).toEqual([]);
  });
});
