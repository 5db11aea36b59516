import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// bench/retrieval.ts end to end as a child process: a real index in a temp home, real queries.
const run = promisify(execFile);
const BENCH = resolve(import.meta.dirname, '../bench/retrieval.ts');
let dir: string;

const DOCS = [
  {
    id: 'docs/billing/invoices.md',
    title: 'Invoices',
    text: 'Invoices are emailed monthly. Download past invoices from the billing page.',
  },
  {
    id: 'docs/security/api-keys.md',
    title: 'API keys',
    text: 'Rotate API keys every ninety days. Revoke a leaked key at once in the console.',
  },
  {
    id: 'docs/limits/rate-limits.md',
    title: 'Rate limits',
    text: 'Requests beyond the rate limit get HTTP 429; retry with exponential backoff.',
  },
  {
    id: 'docs/models/overview.md',
    title: 'Models',
    text: 'Pick a small model for latency and a large model for hard reasoning tasks.',
  },
];
const QUESTIONS = [
  { id: 'q1', question: 'How do I rotate or revoke an API key?', reference_doc_ids: ['docs/security/api-keys.md'] },
  {
    id: 'q2',
    question: 'What happens when I exceed the rate limit?',
    reference_doc_ids: ['docs/limits/rate-limits.md'],
  },
  { id: 'q3', question: 'Where can I download invoices?', reference_doc_ids: ['docs/billing/invoices.md'] },
];
const jsonl = (rows: object[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-bench-test-'));
  await writeFile(join(dir, 'corpus.jsonl'), jsonl(DOCS));
  await writeFile(join(dir, 'questions.jsonl'), jsonl(QUESTIONS));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bench = (args: string[]) => run(process.execPath, [BENCH, ...args], { cwd: dir });

describe('bench:retrieval', () => {
  it('prints per-mode metrics at k = 1, 3, 5, 10 as JSON, with the default against plain BM25, and writes the same JSON file', async () => {
    const out = join(dir, 'result.json');
    const { stdout } = await bench([
      '--corpus',
      join(dir, 'corpus.jsonl'),
      '--questions',
      join(dir, 'questions.jsonl'),
      '--json',
      '--out',
      out,
    ]);
    const result = JSON.parse(stdout);
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(result);
    expect(result.ks).toEqual([1, 3, 5, 10]);
    expect(result.sets).toHaveLength(1);
    const [set] = result.sets;
    expect(set).toMatchObject({ questions: 3, build: { documents: 4 } });
    expect(Object.keys(set.modes)).toEqual(['vector', 'fts', 'hybrid', 'hybrid, no rerank']);
    // Each question names its document's distinctive words: every mode finds it first.
    for (const mode of ['vector', 'fts', 'hybrid']) {
      expect(set.modes[mode].atK[0]).toMatchObject({ k: 1, recall: 1, precision: 1, mrr: 1 });
      expect(set.modes[mode].atK[3]).toMatchObject({ k: 10, recall: 1, mrr: 1 });
    }
    expect(set.bm25WholeDocuments.atK[0]).toMatchObject({ k: 1, recall: 1 });
    // Equal on every question: the paired difference and its interval are 0, over 3 questions.
    expect(set.defaultMinusBm25['recall@5']).toEqual({ mean: 0, low: 0, high: 0, n: 3 });
  }, 60_000);

  it('prints a table without --json, for the modes asked', async () => {
    const { stdout } = await bench([
      '--corpus',
      join(dir, 'corpus.jsonl'),
      '--questions',
      join(dir, 'questions.jsonl'),
      '--mode',
      'fts',
      '--out',
      join(dir, 'r2.json'),
    ]);
    expect(stdout).toMatch(/R@1\s+R@3\s+R@5\s+R@10\s+MRR@1\s+MRR@3\s+MRR@5\s+MRR@10/);
    expect(stdout).toMatch(/^fts\s+1\.000\s+1\.000\s+1\.000\s+1\.000\s+1\.000/m);
    expect(stdout).not.toMatch(/^hybrid/m);
  }, 60_000);

  it('exits 2 with a message naming the problem on bad input', async () => {
    const bad = await bench([
      '--corpus',
      join(dir, 'missing.jsonl'),
      '--questions',
      join(dir, 'questions.jsonl'),
    ]).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 2 });
    expect((bad as { stderr: string }).stderr).toMatch(/Cannot read corpus file .*missing\.jsonl/);

    await writeFile(join(dir, 'bad-questions.jsonl'), '{"question": "no gold"}\n');
    const noGold = await bench([
      '--corpus',
      join(dir, 'corpus.jsonl'),
      '--questions',
      join(dir, 'bad-questions.jsonl'),
    ]).catch((e: { code: number; stderr: string }) => e);
    expect(noGold).toMatchObject({ code: 2 });
    expect((noGold as { stderr: string }).stderr).toMatch(/bad-questions\.jsonl:1.*reference_doc_ids/s);

    const usage = await bench(['--mode', 'nearest']).catch((e: { code: number }) => e);
    expect(usage).toMatchObject({ code: 2 });

    const unknownSet = await bench(['--sets', 'no-such-set']).catch((e: { code: number; stderr: string }) => e);
    expect(unknownSet).toMatchObject({ code: 2 });
    expect((unknownSet as { stderr: string }).stderr).toMatch(/--sets: unknown no-such-set; present: repo-sample/);

    const half = await bench(['--corpus', join(dir, 'corpus.jsonl')]).catch((e: { code: number; stderr: string }) => e);
    expect(half).toMatchObject({ code: 2 });
    expect((half as { stderr: string }).stderr).toMatch(/give both --corpus and --questions, or neither/);
  }, 60_000);

  it("runs on the repo's sample (docs/ and evals/docs-qa.jsonl) by name", async () => {
    const root = resolve(import.meta.dirname, '..');
    const out = join(dir, 'sample.json');
    const { stdout, stderr } = await bench(['--sets', 'repo-sample', '--json', '--mode', 'fts', '--out', out]);
    expect(stderr).toMatch(/^repo-sample: /m);
    const [result] = JSON.parse(stdout).sets;
    const questions = (await readFile(join(root, 'evals/docs-qa.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .filter((l) => 'reference_doc_ids' in JSON.parse(l)).length;
    const docs = (await readdir(join(root, 'docs'))).filter((f) => f.endsWith('.md')).length;
    expect(result).toMatchObject({
      set: 'repo-sample',
      questions,
      questionsWithUnknownGoldIds: 0,
      build: { documents: docs },
    });
    // The sample's questions are about the docs: full-text retrieval finds most of their documents.
    expect(result.modes.fts.atK[1].recall).toBeGreaterThan(0.5);
  }, 60_000);
});
