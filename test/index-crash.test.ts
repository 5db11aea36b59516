import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, corpusLines, runJson, startCli, waitForStderr } from './index-cli-helpers.ts';

type Build = {
  version: number;
  counts: {
    documents: { added: number; changed: number; removed: number; unchanged: number };
    chunks: { embedded: number; deleted: number; total: number };
  };
};
type Query = { hits: { documentId: string; text: string }[] };

const NAME = 'dev.docs.crash';
let dir: string;
let home: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-index-crash-'));
  home = join(dir, 'home');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Number of committed Lance versions of the index's table. */
async function manifestCount(): Promise<number> {
  const versions = join(home, 'indexes', NAME, 'lance', 'chunks.lance', '_versions');
  return (await readdir(versions)).filter((f) => f.endsWith('.manifest')).length;
}

describe('crash safety (kill -9 mid-build)', () => {
  it('leaves the previous version readable, and the next rebuild finishes with exact counts and no duplicates', async () => {
    const corpus = join(dir, 'corpus.jsonl');
    await writeFile(corpus, corpusLines(2000, 1));
    const first = await runJson<Build>(['index', 'build', NAME, '--source', corpus], home);
    expect(first.counts.chunks.total).toBe(2000);

    // Next source: docs 0–999 changed (version 2), 1000–1899 unchanged, 1900–1999 removed, 2000–2049 added.
    const v2 = corpusLines(1000, 2).trimEnd().split('\n');
    const v1 = corpusLines(2050, 1).trimEnd().split('\n');
    await writeFile(corpus, `${[...v2, ...v1.slice(1000, 1900), ...v1.slice(2000, 2050)].join('\n')}\n`);

    const before = await manifestCount();
    const child = startCli(['index', 'rebuild', NAME, '--batch-chunks', '25'], home);
    const exited = collect(child);
    await waitForStderr(child, /embedding: started/);
    // Kill only once the child has committed at least a delete and one batch of new rows.
    const deadline = Date.now() + 20_000;
    while ((await manifestCount()) < before + 2) {
      if (Date.now() > deadline) throw new Error('the rebuild never committed a batch');
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    const killed = await exited;
    expect(killed.code).toBeNull(); // died by the signal, did not finish

    // The half-written versions exist but are not what readers see.
    const status = await runJson<{ version: number; uncommittedVersions: boolean; builds: number }>(
      ['index', 'status', NAME],
      home,
    );
    expect(status.version).toBe(first.version);
    expect(status.uncommittedVersions).toBe(true);
    expect(status.builds).toBe(1);
    const old = await runJson<Query>(['index', 'query', NAME, 'marker5', '--mode', 'fts', '--k', '1'], home);
    expect(old.hits[0]!.documentId).toBe('doc-5');
    expect(old.hits[0]!.text).toContain('version 1');
    const removed = await runJson<Query>(['index', 'query', NAME, 'marker1950', '--mode', 'fts', '--k', '1'], home);
    expect(removed.hits[0]!.documentId).toBe('doc-1950');

    // The next rebuild (the stale lock of the dead process is taken over) redoes the work exactly.
    const next = await runJson<Build>(['index', 'rebuild', NAME], home);
    expect(next.counts.documents).toEqual({ added: 50, changed: 1000, removed: 100, unchanged: 900 });
    expect(next.counts.chunks).toEqual({ embedded: 1050, deleted: 1100, total: 1950 });

    const db = await lancedb.connect(join(home, 'indexes', NAME, 'lance'));
    const table = await db.openTable('chunks');
    await table.checkout(next.version);
    const rows = (await table.query().select(['chunk_id', 'doc_id', 'text']).toArray()) as {
      chunk_id: string;
      doc_id: string;
      text: string;
    }[];
    expect(rows).toHaveLength(1950);
    expect(new Set(rows.map((r) => r.chunk_id)).size).toBe(1950);
    expect(rows.find((r) => r.doc_id === 'doc-5')!.text).toContain('version 2');
    expect(rows.find((r) => r.doc_id === 'doc-1950')).toBeUndefined();
    table.close();
    db.close();
  }, 180_000); // CLI processes and 2000-document builds: slow when the machine is busy

  it('Ctrl-C (SIGINT) stops a build cleanly: exit 1, lock released, nothing recorded', async () => {
    const name = 'dev.docs.interrupted';
    const corpus = join(dir, 'interrupt.jsonl');
    await writeFile(corpus, corpusLines(3000, 1));
    const child = startCli(['index', 'build', name, '--source', corpus, '--batch-chunks', '25'], home);
    const exited = collect(child);
    await waitForStderr(child, /embedding: started/);
    child.kill('SIGINT');
    const r = await exited;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Interrupted/);
    const next = await runJson<Build>(['index', 'build', name, '--source', corpus], home);
    expect(next.counts.documents.added).toBe(3000);
    expect(next.counts.chunks.total).toBe(3000);
  }, 180_000);
});
