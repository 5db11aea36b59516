import { describe, expect, it } from 'vitest';
import { splitPromptSections } from './prompt-sections.ts';

describe('splitPromptSections', () => {
  it('splits a system: and a user: part', () => {
    expect(splitPromptSections('\nsystem:\nFollow the rules.\n\nuser:\n{{context}}\nQuestion: {{question}}\n')).toEqual(
      {
        system: 'Follow the rules.',
        user: '{{context}}\nQuestion: {{question}}',
      },
    );
  });

  it('keeps a template without role lines as one user part (the format before roles)', () => {
    const old = 'Passages:\n{{context}}\nQuestion: {{question}}\nAnswer:';
    expect(splitPromptSections(old)).toEqual({ system: undefined, user: old });
  });

  it.each([
    ['text before the first role', 'Hello\nsystem:\nx\nuser:\ny', /belongs to no role/],
    ['two user parts', 'user:\nx\nuser:\ny', /at most one/],
    ['user before system', 'user:\nx\nsystem:\ny', /comes last/],
    ['no user part', 'system:\nx', /comes last/],
  ])('refuses %s, naming the file', (_what, template, message) => {
    expect(() => splitPromptSections(template, 'prompts/x.md')).toThrow(message);
    expect(() => splitPromptSections(template, 'prompts/x.md')).toThrow(/^prompts\/x\.md: /);
  });
});
