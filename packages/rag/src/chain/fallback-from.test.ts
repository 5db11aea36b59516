import { describe, expect, it } from 'vitest';
import type { AttemptFailure } from '../llm/call-policy.ts';
import { fallbackFrom } from './fallback-from.ts';

const failure = (provider: string, modelId: string): AttemptFailure => ({
  provider,
  modelId,
  message: 'HTTP 503',
  statusCode: 503,
  retryable: true,
});

describe('fallbackFrom', () => {
  it('is null when nothing failed or only retries of the answering model failed', () => {
    expect(fallbackFrom({ failures: [], provider: 'openai', modelId: 'a' })).toBeNull();
    expect(
      fallbackFrom({ failures: [failure('openai', 'a'), failure('openai', 'a')], provider: 'openai', modelId: 'a' }),
    ).toBeNull();
  });

  it('names the first failed model when another model answered', () => {
    const answer = { failures: [failure('openai', 'a'), failure('local', 'b')], provider: 'local', modelId: 'c' };
    expect(fallbackFrom(answer)).toBe('openai/a');
    // Same model id on another provider is still a fallback.
    expect(fallbackFrom({ failures: [failure('openai', 'a')], provider: 'local', modelId: 'a' })).toBe('openai/a');
  });
});
