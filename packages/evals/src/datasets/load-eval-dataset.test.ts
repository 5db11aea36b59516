import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError, jsonTextDepthExceeds } from '@ragops/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evalRowQuestion } from './eval-row.ts';
import {
  DATASET_LIMITS,
  evalDatasetPath,
  listEvalDatasets,
  loadEvalDataset,
  parseEvalDataset,
} from './load-eval-dataset.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-datasets-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lines = (...rows: unknown[]) => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');
const good = { id: 'q1', question: 'What is an alias?', reference_answer: 'A name.', tags: ['registry'] };

/** The InvalidInputError message parseEvalDataset throws for `text`. */
function problemsOf(text: string): string {
  try {
    parseEvalDataset(text, 'evals/bad.jsonl');
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as Error).message;
  }
  throw new Error('expected the dataset to be refused');
}

describe('parseEvalDataset', () => {
  it('parses rows with a question or a conversation, skipping blank lines', () => {
    const { rows } = parseEvalDataset(
      lines(good, '', {
        id: 'conv-1',
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'hello' },
          { role: 'user', content: 'What is lineage?' },
        ],
        reference_doc_ids: ['registry.md'],
      }),
      'x.jsonl',
    );
    expect(rows.map((r) => r.id)).toEqual(['q1', 'conv-1']);
    expect(rows.map(evalRowQuestion)).toEqual(['What is an alias?', 'What is lineage?']);
  });

  it('names file:line and the key of every bad line, at once', () => {
    const message = problemsOf(
      lines(
        good,
        '{"id": "q2", "question": ',
        { id: 'q3' },
        { id: 'q4', question: 'x', refrence_answer: 'typo' },
        { id: 'q5', question: 'x', reference_doc_ids: [''] },
        {
          id: 'q6',
          messages: [
            { role: 'user', content: 'a' },
            { role: 'assistant', content: 'b' },
          ],
        },
        { id: 'bad id', question: 'x' },
        { id: 'q8', question: 'has a \u0000 in it' },
        ['not', 'an', 'object'],
      ),
    );
    expect(message.split('\n')).toEqual([
      expect.stringMatching(/^evals\/bad\.jsonl:2: not valid JSON/),
      'evals/bad.jsonl:3: question: give exactly one of question or messages',
      'evals/bad.jsonl:4: (row): Unrecognized key: "refrence_answer"',
      expect.stringMatching(/^evals\/bad\.jsonl:5: reference_doc_ids\[0\]: /),
      'evals/bad.jsonl:6: messages: the last message must be a user turn',
      expect.stringMatching(/^evals\/bad\.jsonl:7: id: ids are/),
      'evals/bad.jsonl:8: question: must not contain U+0000 (NUL)',
      'evals/bad.jsonl:9: (row): Invalid input: expected object, received array',
    ]);
  });

  it('refuses duplicate ids, naming both lines', () => {
    expect(problemsOf(lines(good, { ...good, question: 'again' }))).toBe(
      'evals/bad.jsonl:2: id: duplicate id "q1" (first on line 1)',
    );
  });

  it('bounds nesting depth and line size before parsing (hostile lines)', () => {
    const deep = `{"id":"d","question":"x","tags":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(problemsOf(lines(good, deep))).toBe('evals/bad.jsonl:2: nested deeper than 8 levels');
    const long = JSON.stringify({ id: 'l', question: 'x'.repeat(DATASET_LIMITS.maxLineBytes) });
    expect(problemsOf(lines(long))).toMatch(/^evals\/bad\.jsonl:1: line is over 262144 bytes$/);
    const message = problemsOf(Array.from({ length: 500 }, () => '{').join('\n'));
    expect(message.split('\n')).toHaveLength(21);
    expect(message).toMatch(/\(stopped after 20 problems\)$/);
  });

  it('refuses an empty dataset', () => {
    expect(problemsOf('\n\n')).toBe('evals/bad.jsonl: the dataset has no rows');
  });

  it('versions a dataset by the content of its rows, not by their formatting', () => {
    const a = parseEvalDataset(lines(good), 'a.jsonl').contentHash;
    const reordered = `{"tags":["registry"],"reference_answer":"A name.","question":"What is an alias?","id":"q1"}\n\n`;
    expect(parseEvalDataset(reordered, 'b.jsonl').contentHash).toBe(a);
    expect(parseEvalDataset(lines({ ...good, reference_answer: 'A label.' }), 'c.jsonl').contentHash).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('jsonTextDepthExceeds', () => {
  it('counts brackets outside strings only', () => {
    expect(jsonTextDepthExceeds('{"a":[[1]]}', 3)).toBe(false);
    expect(jsonTextDepthExceeds('{"a":[[1]]}', 2)).toBe(true);
    expect(jsonTextDepthExceeds('{"a":"[[[[\\"[[["}', 1)).toBe(false);
  });
});

describe('loadEvalDataset and listEvalDatasets', () => {
  it('loads by name and path, and lists good and bad datasets with their versions or errors', async () => {
    await writeFile(join(dir, 'docs-qa.jsonl'), `${lines(good)}\n`);
    await writeFile(join(dir, 'broken.jsonl'), lines(good, '{'));
    await writeFile(join(dir, 'Bad Name.jsonl'), lines(good));
    await writeFile(join(dir, 'notes.txt'), 'not a dataset');
    const ds = await loadEvalDataset(evalDatasetPath(dir, 'docs-qa'));
    expect(ds).toMatchObject({ name: 'docs-qa', rows: [good] });
    const list = await listEvalDatasets(dir);
    expect(list.map((d) => [d.name, d.ok])).toEqual([
      ['Bad Name', false],
      ['broken', false],
      ['docs-qa', true],
    ]);
    expect(list[1]).toMatchObject({ error: expect.stringMatching(/broken\.jsonl:2: not valid JSON/) });
    expect(list[2]).toMatchObject({ contentHash: ds.contentHash, rows: 1, tags: ['registry'] });
    expect(await listEvalDatasets(join(dir, 'missing'))).toEqual([]);
  });

  it('refuses names that could leave the folder, missing files, non-files, big files and bad UTF-8', async () => {
    expect(() => evalDatasetPath(dir, '../secrets')).toThrow(InvalidInputError);
    expect(() => evalDatasetPath(dir, 'a/b')).toThrow(/not valid/);
    await expect(loadEvalDataset(join(dir, 'none.jsonl'))).rejects.toMatchObject({ code: 'not_found' });
    await expect(loadEvalDataset(join(dir, 'x.json'))).rejects.toThrow(/\.jsonl files/);
    await symlink(dir, join(dir, 'folder.jsonl'));
    await expect(loadEvalDataset(join(dir, 'folder.jsonl'))).rejects.toThrow(/not a regular file/);
    await writeFile(join(dir, 'latin1.jsonl'), Buffer.from([0x7b, 0xe9, 0x7d]));
    await expect(loadEvalDataset(join(dir, 'latin1.jsonl'))).rejects.toThrow(/not valid UTF-8/);
    await writeFile(join(dir, 'huge.jsonl'), Buffer.alloc(DATASET_LIMITS.maxFileBytes + 1, 0x20));
    await expect(loadEvalDataset(join(dir, 'huge.jsonl'))).rejects.toThrow(/over the 33554432-byte limit/);
  });
});
