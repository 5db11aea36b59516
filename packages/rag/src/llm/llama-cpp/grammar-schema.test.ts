import { describe, expect, it } from 'vitest';
import { grammarSchema } from './grammar-schema.ts';

describe('grammarSchema', () => {
  it('turns small integer ranges into enums, at any depth, and leaves the rest', () => {
    expect(
      grammarSchema({
        type: 'object',
        properties: {
          rating: { type: 'integer', minimum: 1, maximum: 5, description: 'how good' },
          n: { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 4 },
          passages: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer' } } } },
          big: { type: 'integer', minimum: 0, maximum: 1_000_000 },
        },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        rating: { description: 'how good', enum: [1, 2, 3, 4, 5] },
        n: { enum: [1, 2, 3] },
        passages: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer' } } } },
        big: { type: 'integer', minimum: 0, maximum: 1_000_000 },
      },
    });
  });
});
