import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describeMetadataStoreContract } from '../contract/metadata-store-contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'ragops-sqlite-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
describeMetadataStoreContract('sqlite', async () => `sqlite:${join(dir, `ragops-${++n}.db`)}`);
