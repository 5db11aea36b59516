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
  it('prints per-mode metrics as JSON and writes the same JSON file', async () => {
    const out = join(dir, 'result.json');
    const { stdout } = await bench([
      '--corpus',
      join(dir, 'corpus.jsonl'),
      '--questions',
      join(dir, 'questions.jsonl'),
      '--k',
      '1',
      '--json',
      '--out',
      out,
    ]);
    const result = JSON.parse(stdout);
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(result);
    expect(result).toMatchObject({ questions: 3, k: 1, build: { documents: 4 } });
    expect(Object.keys(result.modes)).toEqual(['vector', 'fts', 'hybrid']);
    // Each question names its document's distinctive words: every mode finds it first.
    for (const mode of ['vector', 'fts', 'hybrid']) {
      expect(result.modes[mode]).toMatchObject({ recall: 1, precision: 1, mrr: 1 });
      expect(result.modes[mode].halves.even.recall).toBe(1);
    }
    expect(result.references[0].name).toMatch(/bm25/);
    expect(result.references).toHaveLength(1); // published figures only for anthropic-docs
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
    expect(stdout).toMatch(/recall@3\s+precision@3\s+MRR@3/);
    expect(stdout).toMatch(/^fts\s+1\.000\s+0\.333\s+1\.000/m);
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

    const usage = await bench(['--k', 'zero']).catch((e: { code: number }) => e);
    expect(usage).toMatchObject({ code: 2 });

    const half = await bench(['--corpus', join(dir, 'corpus.jsonl')]).catch((e: { code: number; stderr: string }) => e);
    expect(half).toMatchObject({ code: 2 });
    expect((half as { stderr: string }).stderr).toMatch(/give both --corpus and --questions, or neither/);
  }, 60_000);

  it("runs as documented with no flags, on the repo's sample (docs/ and evals/docs-qa.jsonl)", async () => {
    const root = resolve(import.meta.dirname, '..');
    const out = join(dir, 'sample.json');
    const { stdout, stderr } = await bench(['--json', '--mode', 'fts', '--out', out]);
    expect(stderr).toMatch(/the repo's sample/);
    const result = JSON.parse(stdout);
    const questions = (await readFile(join(root, 'evals/docs-qa.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .filter((l) => 'reference_doc_ids' in JSON.parse(l)).length;
    const docs = (await readdir(join(root, 'docs'))).filter((f) => f.endsWith('.md')).length;
    expect(result).toMatchObject({ questions, questionsWithUnknownGoldIds: 0, build: { documents: docs } });
    // The sample's questions are about the docs: full-text retrieval finds most of their documents.
    expect(result.modes.fts.recall).toBeGreaterThan(0.5);
  }, 60_000);
});
