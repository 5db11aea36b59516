import { ConfigError } from '@ragops/core';
import { describe, expect, it } from 'vitest';
import { parseChainLlmParams } from './chain-llm-params.ts';

describe('parseChainLlmParams', () => {
  it('accepts the OpenAI spellings and the longest timeout a timer can hold', () => {
    expect(parseChainLlmParams({ max_tokens: 64, top_p: 0.5, timeoutMs: 2 ** 31 - 1 }, 'v1')).toMatchObject({
      maxOutputTokens: 64,
      topP: 0.5,
      timeoutMs: 2 ** 31 - 1,
      fallbacks: [],
    });
  });

  it('refuses a timeout past setTimeout range (Node would fire it after 1 ms), naming where', () => {
    expect(() => parseChainLlmParams({ timeoutMs: 3e9 }, 'models:/dev.qs.docs_qa/3')).toThrow(ConfigError);
    expect(() => parseChainLlmParams({ timeoutMs: 3e9 }, 'models:/dev.qs.docs_qa/3')).toThrow(
      /models:\/dev\.qs\.docs_qa\/3: invalid llm\.params.*timeoutMs/s,
    );
  });

  it('refuses retries outside 0–10', () => {
    expect(() => parseChainLlmParams({ maxRetries: -1 }, 'v1')).toThrow(/maxRetries/);
    expect(() => parseChainLlmParams({ maxRetries: 1e6 }, 'v1')).toThrow(/maxRetries/);
  });
});
