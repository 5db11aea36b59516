import { describe, expect, it } from 'vitest';
import { generate } from '../generate.ts';
import type { GroundingDocument } from '../language-model.ts';
import { stream } from '../stream.ts';
import { createExtractive, NOTHING_FOUND_ANSWER } from './extractive-language-model.ts';

const documents: GroundingDocument[] = [
  {
    chunkId: 'c1',
    documentId: 'lance.md',
    title: 'Lance',
    text: 'LanceDB stores vectors on disk. Every write creates a new table version.\nOld versions stay readable.',
  },
  {
    chunkId: 'c2',
    documentId: 'cooking.md',
    text: 'Boil the pasta for nine minutes. Salt the water generously before adding pasta.',
  },
  {
    chunkId: 'c3',
    documentId: 'registry.md',
    text: 'A model version pins one index version. Aliases such as champion point to a model version.',
  },
];
const ask = (query: string, docs = documents) => ({
  messages: [{ role: 'user' as const, content: `Context...\n\nQuestion: ${query}` }],
  grounding: { query, documents: docs },
});

describe('extractive provider (not a language model)', () => {
  it('quotes the most relevant sentences with citations in passage order', async () => {
    const out = await generate({
      model: createExtractive()(),
      ...ask('Which index version does a model version pin?'),
    });
    expect(out.text).toContain('A model version pins one index version. [3]');
    expect(out.text).not.toContain('pasta');
    expect(out.provider).toBe('extractive');
    expect(out.warnings[0]).toMatch(/no language model/);
    expect(out.usage.source).toBe('counted');
  });

  it('cites several passages when the question spans them', async () => {
    const out = await generate({
      model: createExtractive()(),
      ...ask('how are table versions and index versions kept'),
    });
    expect(out.text).toMatch(/\[1\]/);
    expect(out.text).toMatch(/\[3\]/);
    expect(out.text.indexOf('[1]')).toBeLessThan(out.text.indexOf('[3]'));
  });

  // The best sentence of these passages carries inline code, parentheses, colons or paths: prose, not code.
  it.each([
    {
      question: 'What does lineage show?',
      text: '## Lineage\n\n`ragops models lineage models:/dev.support.docs_qa@champion` shows where a version came from (its\nindex version, the documents in that build, its prompt file and hash, the git commit) and what uses\nit (endpoints and evaluation runs).\n',
      expected: /^`ragops models lineage models:\/dev\.support\.docs_qa@champion` shows where a version came from/,
    },
    {
      question: 'Which port does the server listen on?',
      text: 'The server listens on 127.0.0.1:8787 (set `PORT=0` for any free port; `HOST=0.0.0.0` to expose it).',
      expected: /listens on 127\.0\.0\.1:8787/,
    },
    {
      question: 'Where do I set the retriever mode?',
      text: 'Set `retriever: { k: 5, mode: hybrid }` under the chain (k = passages, mode = vector, fts or hybrid).',
      expected: /^Set `retriever: \{ k: 5, mode: hybrid \}`/,
    },
  ])('answers "$question" from a sentence with code and punctuation', async ({ question, text, expected }) => {
    const doc: GroundingDocument = { chunkId: 'c', documentId: 'd.md', title: 'T', text };
    const out = await generate({ model: createExtractive()(), ...ask(question, [doc]) });
    expect(out.text).not.toBe(NOTHING_FOUND_ANSWER);
    expect(out.text).toMatch(expected);
  });

  it('still skips code statements outside fences', async () => {
    const doc: GroundingDocument = {
      chunkId: 'c',
      documentId: 'd.md',
      text: 'The client is created like this. const client = new OpenAI({ baseURL: url, apiKey: key }); client.chat();',
    };
    const out = await generate({ model: createExtractive()(), ...ask('How is the OpenAI client created?', [doc]) });
    expect(out.text).not.toContain('new OpenAI(');
  });

  it('says plainly when nothing relevant was retrieved', async () => {
    const model = createExtractive()();
    expect((await generate({ model, ...ask('What is the capital of Peru?') })).text).toBe(NOTHING_FOUND_ANSWER);
    expect((await generate({ model, ...ask('anything at all', []) })).text).toBe(NOTHING_FOUND_ANSWER);
    expect((await generate({ model, messages: [{ role: 'user', content: 'lance versions' }] })).text).toBe(
      NOTHING_FOUND_ANSWER,
    );
  });

  it('is deterministic and streams the same text', async () => {
    const model = createExtractive()();
    const request = ask('How long should pasta boil?');
    const a = await generate({ model, ...request });
    const b = await generate({ model, ...request });
    let streamed = '';
    for await (const event of stream({ model, ...request })) if (event.type === 'text-delta') streamed += event.delta;
    expect(a.text).toBe(b.text);
    expect(streamed).toBe(a.text);
    expect(a.text).toContain('Boil the pasta for nine minutes. [2]');
  });
});
