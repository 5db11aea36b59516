import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors/ragops-error.ts';
import { loadPromptTemplate, parsePromptTemplate, renderPrompt, templateVariables } from './prompt-template.ts';

const file = (variables: string[], body: string) =>
  `---\nname: t\ndescription: test\nvariables: [${variables.join(', ')}]\n---\n${body}`;

describe('prompt templates', () => {
  it('finds top-level variables, not the names inside sections', () => {
    expect(templateVariables('{{question}} {{#contexts}}[{{n}}] {{text}}{{/contexts}} {{{raw}}} {{a.b}}')).toEqual([
      'a',
      'contexts',
      'question',
      'raw',
    ]);
  });

  it('parses front matter, hashes the file and renders without HTML escaping', () => {
    const text = file(['question', 'context'], 'Q: {{question}}\n{{context}}\n');
    const p = parsePromptTemplate(text, 'prompts/t.md');
    expect(p).toMatchObject({
      name: 't',
      description: 'test',
      variables: ['question', 'context'],
      path: 'prompts/t.md',
    });
    expect(p.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(renderPrompt(p, { question: 'a < b & "c"?', context: '[1] x' })).toBe('Q: a < b & "c"?\n[1] x\n');
  });

  it('refuses undeclared and unused variables, and renders with a missing one', () => {
    expect(() => parsePromptTemplate(file(['question'], '{{question}} {{context}}'), 'p.md')).toThrow(
      /p\.md: used but not declared in variables: context/,
    );
    expect(() => parsePromptTemplate(file(['question', 'extra'], '{{question}}'), 'p.md')).toThrow(
      /declared but not used: extra/,
    );
    const p = parsePromptTemplate(file(['question', 'context'], '{{question}}{{context}}'), 'p.md');
    expect(() => renderPrompt(p, { question: 'q' })).toThrow(/missing prompt variables: context/);
  });

  it.each([
    ['no front matter', 'just {{text}}'],
    ['bad YAML', '---\nname: [\n---\nbody'],
    ['bad name', '---\nname: Bad Name\n---\nbody'],
    ['unknown field', '---\nname: ok\nmodel: gpt\n---\nbody'],
    ['unclosed section', '---\nname: ok\nvariables: [a]\n---\n{{#a}}'],
  ])('rejects %s with InvalidInputError naming the file', (_what, text) => {
    expect(() => parsePromptTemplate(text, 'prompts/x.md')).toThrow(InvalidInputError);
    expect(() => parsePromptTemplate(text, 'prompts/x.md')).toThrow(/prompts\/x\.md/);
  });

  it("accepts the repo's own prompts/rag-answer.md", async () => {
    const path = fileURLToPath(new URL('../../../../prompts/rag-answer.md', import.meta.url));
    const p = await loadPromptTemplate(path, 'prompts/rag-answer.md');
    expect(p.variables.sort()).toEqual(['context', 'question']);
    expect(
      renderPrompt(p, { question: 'What is an alias?', context: '[1] Aliases (registry.md)\nAn alias…' }),
    ).toContain('Question: What is an alias?');
  });
});
