// `ragops audit` shows the --reason of an alias move in its table (issue 8 item 12), in process.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createModelVersion,
  createSchema,
  defaultMetadataUrl,
  LOCAL_ADMIN_PRINCIPAL,
  openMetadataStore,
  readPrincipal,
} from '@ragops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePackage } from '../packages/core/src/store/contract/sample-package.ts';
import { removeTempDir, runCli } from './index-cli-helpers.ts';

let home: string;
const env = { RAGOPS_METADATA_URL: '', RAGOPS_TOKEN: '' };

beforeAll(async () => {
  home = join(await mkdtemp(join(tmpdir(), 'ragops-audit-cli-')), 'home');
  expect((await runCli(['init'], home, env)).code).toBe(0);
  const store = await openMetadataStore(defaultMetadataUrl(home));
  try {
    const ctx = { store, actor: await readPrincipal(store, LOCAL_ADMIN_PRINCIPAL), requestId: 'setup' };
    await createSchema({ ...ctx, catalog: 'dev', schema: { name: 's' } });
    await createModelVersion({ ...ctx, name: 'dev.s.m', package: samplePackage() });
  } finally {
    await store.close();
  }
});
afterAll(async () => removeTempDir(join(home, '..')));

describe('ragops audit', () => {
  it('shows the reason of an alias move in the REASON column', async () => {
    const reason = 'first release after review';
    const set = await runCli(['models', 'alias', 'set', 'dev.s.m', 'champion', '1', '--reason', reason], home, env);
    expect(set.code, set.stderr).toBe(0);
    const audit = await runCli(['audit', '--action', 'alias.set'], home, env);
    expect(audit.code, audit.stderr).toBe(0);
    const [header, row, ...rest] = audit.stdout.trim().split('\n');
    expect(rest).toEqual([]);
    expect(header).toMatch(/\bREASON\b/);
    expect(row).toContain('models:/dev.s.m@champion');
    // The reason sits under its column header.
    expect(row?.indexOf(reason)).toBe(header?.indexOf('REASON'));
  });
});
