import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, InvalidInputError } from '../errors/ragops-error.ts';
import { getChainSpec, loadRagopsSpec, parseRagopsSpec } from './load-ragops-spec.ts';

const valid = `
indexes:
  dev.s.docs: { source: docs, chunker: { strategy: recursive }, embedder: { provider: hash, model: hash-v2, dimensions: 64 } }
chains:
  qa:
    index: dev.s.docs
    prompt: prompts/a.md
    llm: { provider: extractive, model: extractive-v1 }
endpoints:
  later: { owned: by-another-module }
`;

describe('ragops.yaml', () => {
  it('parses indexes and chains with defaults, and keeps other sections for their modules', () => {
    const loaded = parseRagopsSpec(valid, '/repo/ragops.yaml');
    expect(loaded.dir).toBe('/repo');
    const { chain, indexName } = getChainSpec(loaded, 'qa');
    expect(indexName).toBe('dev.s.docs');
    expect(chain.retriever).toEqual({ k: 5, mode: 'hybrid', filters: {} });
    expect(chain.llm.params).toEqual({});
    for (const reranker of ['none', 'lexical', 'llm:local/qwen2.5-0.5b', 'llm:hosted_1/org/model-v2']) {
      const text = valid.replace(
        'prompt: prompts/a.md',
        `prompt: prompts/a.md\n    retriever: { reranker: "${reranker}" }`,
      );
      expect(getChainSpec(parseRagopsSpec(text, '/repo/ragops.yaml'), 'qa').chain.retriever.reranker).toBe(reranker);
    }
    expect(loaded.document.endpoints).toEqual({ later: { owned: 'by-another-module' } });
    expect(() => getChainSpec(loaded, 'nope')).toThrow(ConfigError);
  });

  it.each([
    ['YAML syntax, with line', 'chains: [\n', /^ragops\.yaml:\d+:\d+: \S/],
    [
      'unknown chain field',
      valid.replace('prompt: prompts/a.md', 'prompt: prompts/a.md\n    promt: typo'),
      /^ragops\.yaml:8: chains\.qa: .*promt/,
    ],
    [
      'bad retriever mode',
      valid.replace('prompt: prompts/a.md', 'prompt: prompts/a.md\n    retriever: { mode: magic }'),
      /chains\.qa\.retriever\.mode/,
    ],
    [
      'k out of range',
      valid.replace('prompt: prompts/a.md', 'prompt: prompts/a.md\n    retriever: { k: 0 }'),
      /chains\.qa\.retriever\.k/,
    ],
    [
      'bad reranker',
      valid.replace('prompt: prompts/a.md', 'prompt: prompts/a.md\n    retriever: { reranker: cohere }'),
      /^ragops\.yaml:8: chains\.qa\.retriever\.reranker: must be none, lexical or llm:<provider>\/<model>/,
    ],
    [
      'lexical reranker without hybrid',
      valid.replace('prompt: prompts/a.md', 'prompt: prompts/a.md\n    retriever: { mode: fts, reranker: lexical }'),
      /chains\.qa\.retriever\.reranker: lexical reranks hybrid retrieval only \(mode is fts\)/,
    ],
    ['index not three-level', valid.replace('dev.s.docs:', 'docs:'), /^ragops\.yaml:3: indexes\.docs: /],
    [
      'chain index undefined',
      valid.replace('index: dev.s.docs', 'index: dev.s.other'),
      /^ragops\.yaml:6: chains\.qa\.index: "dev\.s\.other" is not defined/,
    ],
    ['chain name upper case', valid.replace('  qa:', '  QA:'), /chains\.QA/],
    ['missing llm', valid.replace('    llm: { provider: extractive, model: extractive-v1 }\n', ''), /chains\.qa\.llm/],
  ])('rejects %s with a file:path message', (_what, text, message) => {
    expect(() => parseRagopsSpec(text, 'ragops.yaml')).toThrow(InvalidInputError);
    expect(() => parseRagopsSpec(text, 'ragops.yaml')).toThrow(message);
  });

  it('names file:line: key.path, never the file glued to the path nor a dangling "at line …:"', () => {
    const bad = valid.replace('prompt: prompts/a.md', 'prompt: prompts/a.md\n    retriever: { k: 0 }');
    const message = (text: string) => {
      try {
        parseRagopsSpec(text, 'typo.yaml');
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('parsed');
    };
    expect(message(bad)).toMatch(/^typo\.yaml:8: chains\.qa\.retriever\.k: /);
    expect(message(bad)).not.toMatch(/typo\.yaml\./);
    // A tab used for indentation: the message ends with what is wrong, not "at line 4, column 1:".
    const tab = message('indexes:\n  dev.s.docs:\n    source: docs\n\tchains: {}\n');
    expect(tab).toMatch(/^typo\.yaml:4:1: \S.*[^:]$/);
    expect(tab).not.toMatch(/at line/);
    // A missing key points at the nearest key that is written (the chain).
    expect(message(valid.replace('    llm: { provider: extractive, model: extractive-v1 }\n', ''))).toMatch(
      /^typo\.yaml:5: chains\.qa\.llm: /,
    );
  });

  it("accepts the repo's own ragops.yaml with the docs_qa chain", async () => {
    const loaded = await loadRagopsSpec(fileURLToPath(new URL('../../../../ragops.yaml', import.meta.url)));
    const { chain, indexName } = getChainSpec(loaded, 'docs_qa');
    expect(chain.llm.provider).toBe('extractive');
    expect(chain.prompt).toBe('prompts/rag-answer.md');
    expect(loaded.spec.indexes[indexName]?.source).toBe('docs');
  });
});
