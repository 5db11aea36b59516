import { describe, expect, it } from 'vitest';
import { loadServingConfig } from './serving-config.ts';

describe('loadServingConfig', () => {
  it('has offline defaults', () => {
    expect(loadServingConfig({})).toEqual({
      providers: {},
      prices: {},
      aliasStalenessMs: 1_000,
      inference: { queueMax: 50_000, batchSize: 500, flushMs: 200, content: 'full', contentSampleRate: 1 },
    });
  });

  it('reads providers, an OpenAI key, prices and writer settings', () => {
    const config = loadServingConfig({
      RAGOPS_LLM_PROVIDERS: '{"vllm":{"type":"openai-compatible","baseURL":"http://gpu:8000/v1"}}',
      OPENAI_API_KEY: 'sk-x',
      RAGOPS_LLM_PRICES: '{"vllm/*":{"inputPerMillionUsd":0.05,"outputPerMillionUsd":0.05}}',
      RAGOPS_ALIAS_STALENESS_MS: '250',
      RAGOPS_INFERENCE_CONTENT: 'redacted',
      RAGOPS_INFERENCE_CONTENT_SAMPLE: '0.1',
      RAGOPS_INFERENCE_FLUSH_MS: '',
    });
    expect(config.providers).toEqual({
      openai: { type: 'openai', apiKey: 'sk-x' },
      vllm: { type: 'openai-compatible', baseURL: 'http://gpu:8000/v1' },
    });
    expect(config.prices['vllm/*']).toEqual({ inputPerMillionUsd: 0.05, outputPerMillionUsd: 0.05 });
    expect(config.aliasStalenessMs).toBe(250);
    expect(config.inference).toMatchObject({ content: 'redacted', contentSampleRate: 0.1, flushMs: 200 });
  });

  it('reports every problem at once, naming the variable', () => {
    expect(() =>
      loadServingConfig({
        RAGOPS_LLM_PROVIDERS: '{not json',
        RAGOPS_LLM_PRICES: '{"gpt":{"inputPerMillionUsd":1,"outputPerMillionUsd":1}}',
        RAGOPS_INFERENCE_CONTENT: 'some',
      }),
    ).toThrow(
      /RAGOPS_LLM_PROVIDERS: RAGOPS_LLM_PROVIDERS must be JSON[\s\S]*RAGOPS_LLM_PRICES[\s\S]*RAGOPS_INFERENCE_CONTENT/,
    );
  });
});
