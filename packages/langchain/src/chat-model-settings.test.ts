import { parseInput } from '@ragops/core';
import { describe, expect, it } from 'vitest';
import { chatModelSettingsSchema, flattenSettings } from './chat-model-settings.ts';
import { retrieverSourceSchema } from './retriever-source.ts';

const settings = (value: unknown) =>
  flattenSettings(parseInput(chatModelSettingsSchema, value, 'RagopsChatModel options'));
const source = (value: unknown) => parseInput(retrieverSourceSchema, value, 'RagopsRetriever source');

describe('RagopsChatModel settings and RagopsRetriever sources', () => {
  it('parse model URIs by alias or number, with the model name beside', () => {
    expect(settings({ modelUri: 'models:/dev.qs.docs_qa@champion' })).toEqual({
      modelUri: 'models:/dev.qs.docs_qa@champion',
      modelName: 'dev.qs.docs_qa',
      timeoutMs: undefined,
      content: 'full',
    });
    expect(settings({ modelUri: 'models:/dev.qs.docs_qa/3', timeoutMs: 5000, content: 'none' })).toMatchObject({
      timeoutMs: 5000,
      content: 'none',
    });
    expect(source({ modelUri: 'models:/dev.qs.docs_qa/3' })).toEqual({ modelUri: 'models:/dev.qs.docs_qa/3' });
    expect(source({ index: 'dev.qs.kb', k: 4, mode: 'fts', build: 2 })).toEqual({
      index: 'dev.qs.kb',
      k: 4,
      mode: 'fts',
      build: 2,
    });
  });

  it('refuse bad input with InvalidInputError naming where and what', () => {
    expect(() => settings({ modelUri: 'dev.qs.docs_qa' })).toThrow(
      expect.objectContaining({
        code: 'invalid_input',
        message: expect.stringMatching(/RagopsChatModel options.*modelUri.*is not a model URI/s),
      }),
    );
    expect(() => settings({ modelUri: 'models:/dev.qs.m/1', timeoutMs: -1 })).toThrow(/timeoutMs/);
    expect(() => settings({ modelUri: 'models:/dev.qs.m/1', content: 'redacted' })).toThrow(/content/);
    expect(() => source({ index: 'kb' })).toThrow(/RagopsRetriever source/);
    expect(() => source({ index: 'dev.qs.kb', k: 0 })).toThrow(/RagopsRetriever source/);
    expect(() => source({ index: 'dev.qs.kb', modelUri: 'models:/dev.qs.m/1' })).toThrow(/RagopsRetriever source/);
    expect(() => source({ index: `dev.qs.${'x'.repeat(500)}` })).toThrow(/RagopsRetriever source/);
  });
});
