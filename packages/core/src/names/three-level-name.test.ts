import { describe, expect, it } from 'vitest';
import { formatThreeLevelName, parseThreeLevelName } from './three-level-name.ts';

describe('parseThreeLevelName', () => {
  it('splits a valid name into its parts and formats it back', () => {
    const name = parseThreeLevelName('dev.support.docs_qa');
    expect(name).toEqual({ catalog: 'dev', schema: 'support', name: 'docs_qa' });
    expect(formatThreeLevelName(name)).toBe('dev.support.docs_qa');
  });

  it.each([
    ['dev.support', /three-level/],
    ['dev.support.docs.qa', /three-level/],
    ['Dev.support.docs', /"Dev"/],
    ['dev.1abc.docs', /"1abc"/],
    ['dev..docs', /lower-case identifier/],
  ])('rejects %s with a message saying why', (value, message) => {
    expect(() => parseThreeLevelName(value)).toThrow(message);
  });
});
