import { cp, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RagopsError } from '@ragops/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSource } from './load-source.ts';
import { parseSourceCache, type SourceCacheRecord } from './source-cache.ts';
import { makeSourceDocument } from './source-document.ts';

/** A one-page PDF whose page shows `text` (Helvetica), with a correct xref table. */
function minimalPdf(text: string): Buffer {
  const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-load-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadSource (folder)', () => {
  it('reads md, txt, html, pdf and jsonl recursively, ids relative to the root', async () => {
    const root = join(dir, 'src');
    await mkdir(join(root, 'guides', 'deep'), { recursive: true });
    await writeFile(join(root, 'readme.md'), '# Welcome\r\n\r\nHello world.\r\n');
    await writeFile(join(root, 'guides', 'notes.txt'), 'plain notes');
    await writeFile(
      join(root, 'guides', 'deep', 'page.html'),
      '<html><head><title>Page T</title></head><body><h1>Hi</h1><p>Para <b>bold</b>.</p><script>x()</script></body></html>',
    );
    await writeFile(join(root, 'guides', 'paper.pdf'), minimalPdf('Portable document words'));
    await writeFile(
      join(root, 'extra.jsonl'),
      `${JSON.stringify({ id: 'j1', text: 'from jsonl', metadata: { lang: 'en' } })}\n`,
    );
    await writeFile(join(root, 'image.png'), Buffer.from([0x89, 0x50]));
    const loaded = await loadSource({ path: root });
    expect(loaded.kind).toBe('folder');
    expect(loaded.warnings).toEqual([]);
    const byId = Object.fromEntries(loaded.documents.map((d) => [d.id, d]));
    expect(Object.keys(byId).sort()).toEqual([
      'guides/deep/page.html',
      'guides/notes.txt',
      'guides/paper.pdf',
      'j1',
      'readme.md',
    ]);
    expect(byId['readme.md']!.text).toBe('# Welcome\n\nHello world.\n'); // CRLF normalized
    expect(byId['readme.md']!.title).toBe('Welcome');
    expect(byId['guides/deep/page.html']!.title).toBe('Page T');
    expect(byId['guides/deep/page.html']!.text).toContain('Para bold.');
    expect(byId['guides/deep/page.html']!.text).not.toContain('<p>');
    expect(byId['guides/paper.pdf']!.text).toContain('Portable document words');
    expect(byId.j1!.metadata).toEqual({ lang: 'en' });
    expect(byId.j1!.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('skips, with a warning naming the file, symlinks leaving the root, oversized and undecodable files', async () => {
    const root = join(dir, 'src');
    await mkdir(root);
    await writeFile(join(dir, 'outside.md'), 'secret');
    await symlink(join(dir, 'outside.md'), join(root, 'escape.md'));
    await writeFile(join(root, 'inside.md'), 'inside text');
    await symlink(join(root, 'inside.md'), join(root, 'alias.md')); // stays inside: loaded
    await writeFile(join(root, 'big.txt'), 'x'.repeat(2000));
    await writeFile(join(root, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9])); // "café" in latin-1
    await writeFile(join(root, 'broken.pdf'), 'not a pdf at all');
    const loaded = await loadSource({ path: root, maxFileBytes: 1000 });
    expect(loaded.documents.map((d) => d.id).sort()).toEqual(['alias.md', 'inside.md']);
    const warned = (file: string) => loaded.warnings.find((w) => w.file === file)?.message;
    expect(warned('escape.md')).toMatch(/escape\.md.*outside the source root/);
    expect(warned('big.txt')).toMatch(/big\.txt.*2000 bytes.*1000-byte limit/);
    expect(warned('latin1.txt')).toMatch(/latin1\.txt.*UTF-8/);
    expect(warned('broken.pdf')).toMatch(/broken\.pdf.*pdf/);
    expect(loaded.warnings).toHaveLength(4);
  });
});

describe('loadSource (jsonl file)', () => {
  it('parses lines with zod and reports bad ones as file:line', async () => {
    const file = join(dir, 'corpus.jsonl');
    const lines = [
      JSON.stringify({ id: 'a', text: 'alpha', title: 'A' }),
      '{not json',
      JSON.stringify({ id: 'b' }),
      '',
      JSON.stringify({ id: 'a', text: 'dup' }),
      JSON.stringify({ id: 'c', text: 'gamma', metadata: { k: 1 } }),
    ];
    await writeFile(file, lines.join('\n'));
    const loaded = await loadSource({ path: file });
    expect(loaded.kind).toBe('jsonl');
    expect(loaded.documents.map((d) => d.id)).toEqual(['a', 'c']);
    expect(loaded.warnings.map((w) => w.line)).toEqual([2, 3, 5]);
    expect(loaded.warnings[0]!.message).toContain('corpus.jsonl:2');
    expect(loaded.warnings[1]!.message).toMatch(/corpus\.jsonl:3: text/);
    expect(loaded.warnings[2]!.message).toMatch(/duplicate id "a"/);
  });

  it('throws NotFoundError naming a missing source, InvalidInputError for other files', async () => {
    const missing = join(dir, 'nope');
    await expect(loadSource({ path: missing })).rejects.toSatisfy(
      (e) => RagopsError.isInstance(e) && e.code === 'not_found' && e.message.includes(missing),
    );
    await writeFile(join(dir, 'x.csv'), 'a,b');
    await expect(loadSource({ path: join(dir, 'x.csv') })).rejects.toSatisfy(
      (e) => RagopsError.isInstance(e) && e.code === 'invalid_input',
    );
  });
});

describe('content hash', () => {
  it('depends on text, title and metadata (in any key order), not on line endings', () => {
    const base = makeSourceDocument({ id: 'd', text: 'a\nb', title: 't', metadata: { x: 1, y: 2 } });
    expect(makeSourceDocument({ id: 'd', text: 'a\r\nb', title: 't', metadata: { y: 2, x: 1 } }).contentHash).toBe(
      base.contentHash,
    );
    expect(makeSourceDocument({ id: 'd', text: 'a\nb!', title: 't', metadata: { x: 1, y: 2 } }).contentHash).not.toBe(
      base.contentHash,
    );
    expect(makeSourceDocument({ id: 'd', text: 'a\nb', title: 'T', metadata: { x: 1, y: 2 } }).contentHash).not.toBe(
      base.contentHash,
    );
    expect(makeSourceDocument({ id: 'd', text: 'a\nb', title: 't', metadata: { x: 1, y: 3 } }).contentHash).not.toBe(
      base.contentHash,
    );
  });
});

describe('loadSource with the last load as cache', () => {
  const byId = (l: {
    documents: { id: string; contentHash: string }[];
    reused: { id: string; contentHash: string }[];
  }) => Object.fromEntries([...l.documents, ...l.reused].map((d) => [d.id, d.contentHash]));
  const hashesOf = (l: Parameters<typeof byId>[0]) => byId(l);
  /** The cache a load recorded, as the next load reads it back. */
  const cacheOf = (record: SourceCacheRecord) => parseSourceCache(JSON.parse(JSON.stringify(record)))!;

  it('jsonl: reuses the lines whose bytes are unchanged and reads the rest; same documents and warnings as without', async () => {
    const file = join(dir, 'corpus.jsonl');
    const line = (id: string, text: string) => JSON.stringify({ id, text, metadata: { n: id } });
    const before = [line('a', 'alpha'), line('b', 'beta'), '{bad', line('c', 'gamma'), line('d', 'delta')];
    await writeFile(file, `\uFEFF${before.join('\n')}\n`);
    const first = await loadSource({ path: file });
    expect(first.reused).toEqual([]);
    expect(cacheOf(first.cache).lines.size).toBe(4); // the bad line has no entry

    // b changed, d removed, e added, c moved to line 1 (where the BOM was), a line duplicating a's id.
    const after = [
      line('c', 'gamma'),
      line('a', 'alpha'),
      line('b', 'beta!'),
      '{bad',
      line('e', 'eps'),
      line('a', 'again'),
    ];
    await writeFile(file, `${after.join('\n')}\n`);
    const cached = await loadSource({ path: file, cache: { ...cacheOf(first.cache), hashes: hashesOf(first) } });
    const fresh = await loadSource({ path: file });
    // a's bytes were the BOM's too: read again (and the same document).
    expect(cached.reused.map((d) => d.id).sort()).toEqual(['c']);
    expect(cached.documents.map((d) => d.id).sort()).toEqual(['a', 'b', 'e']);
    expect(byId(cached)).toEqual(byId(fresh));
    expect(cached.warnings).toEqual(fresh.warnings);
    expect(cached.warnings.map((w) => w.line)).toEqual([4, 6]);
    expect([...cacheOf(cached.cache).lines.values()].sort()).toEqual(['a', 'b', 'c', 'e']);
  });

  it('jsonl: a line cached as an id the hashes do not have is read again', async () => {
    const file = join(dir, 'corpus.jsonl');
    await writeFile(file, `${JSON.stringify({ id: 'a', text: 'alpha' })}\n`);
    const first = await loadSource({ path: file });
    const again = await loadSource({ path: file, cache: { ...cacheOf(first.cache), hashes: {} } });
    expect(again.reused).toEqual([]);
    expect(again.documents.map((d) => d.id)).toEqual(['a']);
    const proto = await loadSource({
      path: file,
      cache: {
        ...cacheOf(first.cache),
        lines: new Map([...cacheOf(first.cache).lines.keys()].map((k) => [k, 'constructor'])),
        hashes: {},
      },
    });
    expect(proto.documents.map((d) => d.id)).toEqual(['a']);
  });

  it('folder: reuses files whose size, mtime, ctime and inode are unchanged; records none modified just before the load', async () => {
    const root = join(dir, 'src');
    await mkdir(join(root, 'sub'), { recursive: true });
    const old = new Date(Date.now() - 60_000);
    for (const name of ['a.md', 'b.txt', 'sub/c.md']) {
      await writeFile(join(root, name), `# ${name}\n\ntext of ${name}\n`);
      await utimes(join(root, name), old, old);
    }
    await writeFile(join(root, 'fresh.md'), 'just written'); // mtime now: not recorded
    await writeFile(join(root, 'lines.jsonl'), `${JSON.stringify({ id: 'j', text: 'line' })}\n`);
    await utimes(join(root, 'lines.jsonl'), old, old);
    const first = await loadSource({ path: root });
    expect([...cacheOf(first.cache).files.keys()].sort()).toEqual(['a.md', 'b.txt', 'sub/c.md']);

    // Same size, and the old mtime put back: the ctime still tells it was written.
    await writeFile(join(root, 'b.txt'), `# b.txX\n\ntext of b.txt\n`);
    await utimes(join(root, 'b.txt'), old, old);
    const cache = { ...cacheOf(first.cache), hashes: hashesOf(first) };
    const cached = await loadSource({ path: root, cache });
    const fresh = await loadSource({ path: root });
    expect(cached.reused.map((d) => d.id).sort()).toEqual(['a.md', 'j', 'sub/c.md']);
    expect(cached.documents.map((d) => d.id).sort()).toEqual(['b.txt', 'fresh.md']);
    expect(byId(cached)).toEqual(byId(fresh));
    expect(byId(cached)['b.txt']).not.toBe(hashesOf(first)['b.txt']);

    // Another folder with the same relative names: its files are read, not taken for these.
    const copy = join(dir, 'copy');
    await cp(root, copy, { recursive: true, preserveTimestamps: true });
    await writeFile(join(copy, 'a.md'), `# a.mX\n\ntext of a.md\n`);
    await utimes(join(copy, 'a.md'), old, old);
    const other = await loadSource({ path: copy, cache });
    expect(other.reused.map((d) => d.id)).toEqual(['j']); // lines are known by their bytes anywhere
    expect(byId(other)).toEqual(byId(await loadSource({ path: copy })));
  });
});
