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
