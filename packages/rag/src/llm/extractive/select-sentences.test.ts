import { describe, expect, it } from 'vitest';
import { splitSentences } from './select-sentences.ts';

describe('splitSentences', () => {
  it('keeps whole prose sentences and list items, joins wrapped lines, drops code and headings', () => {
    const text = [
      'ds the source again. Every build writes a new table',
      'version, and old versions stay readable. Aliases move.',
      '',
      '## Providers',
      '',
      '- `openai` calls the OpenAI API through the official SDK.',
      '- `extractive` quotes passages. It is not a language model.',
      '',
      '```ts',
      "const client = new OpenAI({ baseURL: 'http://x/v1' });",
      '```',
      '',
      'Every alias move is audited: who moved it, from which',
    ].join('\n');
    expect(splitSentences(text)).toEqual([
      'Every build writes a new table version, and old versions stay readable.',
      '`openai` calls the OpenAI API through the official SDK.',
      '`extractive` quotes passages.',
      'It is not a language model.',
    ]);
  });
});
