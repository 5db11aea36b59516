import type { ModelVersionPackageInput } from '../../registry/model-version-package.ts';

/** A valid model version package for tests; `indexVersion` and `marker` make distinct packages. */
export function samplePackage(
  options: { indexVersion?: number; marker?: string; indexName?: string } = {},
): ModelVersionPackageInput {
  return {
    formatVersion: 1,
    chain: {
      name: 'docs_qa',
      chunker: { strategy: 'recursive', size: 1000, overlap: 150 },
      embedder: { provider: 'hash', model: 'hash-v2', dimensions: 1024 },
      retriever: { k: 5, mode: 'hybrid', filters: {} },
      prompt: {
        name: 'rag-answer',
        path: 'prompts/rag-answer.md',
        sha256: 'a'.repeat(64),
        template: 'Q: {{question}}\n{{context}}',
        variables: ['context', 'question'],
      },
      llm: { provider: 'extractive', model: 'extractive-v1', params: {} },
    },
    index: {
      name: options.indexName ?? 'dev.s.docs',
      version: options.indexVersion ?? 1,
      tag: `registry-v${options.indexVersion ?? 1}`,
    },
    signature: { inputs: { question: 'string' }, outputs: { answer: 'string' } },
    run: {
      author: 'admin',
      createdAt: '2026-01-01T00:00:00.000Z',
      params: { marker: options.marker ?? '' },
      metrics: {},
    },
  };
}
