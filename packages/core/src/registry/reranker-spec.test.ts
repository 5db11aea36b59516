import { describe, expect, it } from 'vitest';
import { parseReranker, rerankerSchema } from './reranker-spec.ts';

describe('reranker spec', () => {
  it('parses none, lexical and llm:<provider>/<model>, the model keeping its slashes', () => {
    expect(parseReranker(rerankerSchema.parse('lexical'))).toEqual({ kind: 'lexical' });
    expect(parseReranker(rerankerSchema.parse('llm:local/org/model-7b'))).toEqual({
      kind: 'llm',
      provider: 'local',
      model: 'org/model-7b',
      spec: 'llm:local/org/model-7b',
    });
  });

  it('refuses NUL and control characters, whitespace, a long run and an empty model', () => {
    for (const bad of [
      'llm:local/m\u0000',
      'llm:local/m\u001b[2J',
      'llm:local/a b',
      `llm:local/${'x'.repeat(100_000)}`,
      'llm:local/',
      'llm:Local/m',
    ]) {
      expect(rerankerSchema.safeParse(bad).success, JSON.stringify(bad.slice(0, 24))).toBe(false);
    }
  });
});
