import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../registry/registry-rules.ts';
import { assertJsonDepth, boundedJsonSchema, jsonDepthProblem } from './json-depth.ts';

/** `{"a":{"a":…1…}}` nested `depth` levels, built from text as a request body would be. */
const nested = (depth: number, key = 'a') => JSON.parse(`${`{"${key}":`.repeat(depth)}1${'}'.repeat(depth)}`);

describe('jsonDepthProblem', () => {
  it('counts containers: a scalar is 0, {} is 1, each level adds one', () => {
    expect(jsonDepthProblem(1, 0)).toBeUndefined();
    expect(jsonDepthProblem({}, 0)).toEqual({ path: [] });
    expect(jsonDepthProblem({}, 1)).toBeUndefined();
    expect(jsonDepthProblem(nested(3), 3)).toBeUndefined();
    expect(jsonDepthProblem(nested(3), 2)).toEqual({ path: ['a', 'a'] });
    expect(jsonDepthProblem({ ok: [1, 2], deep: [[[]]] }, 3)).toEqual({ path: ['deep', 0, 0] });
  });

  it('walks 200,000 levels without overflowing the stack, and terminates on a cycle', () => {
    expect(jsonDepthProblem(nested(200_000), 64)?.path).toHaveLength(64);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(jsonDepthProblem(cyclic, 10)?.path).toHaveLength(10);
  });
});

describe('assertJsonDepth and boundedJsonSchema', () => {
  it('throws invalid_input naming where and the path', () => {
    expect(() => assertJsonDepth({ params: nested(100, 'x') }, { where: 'body', maxDepth: 8 })).toThrow(
      expect.objectContaining({
        code: 'invalid_input',
        message: 'body.params.x.x.x.x.x…: nested deeper than 8 levels',
      }),
    );
    expect(() => assertJsonDepth(nested(8), { where: 'body', maxDepth: 8 })).not.toThrow();
  });

  it('is a zod issue at the field, for the open parts of schemas', () => {
    const result = boundedJsonSchema(4).safeParse(nested(5));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('nested deeper than 4 levels (at a.a.a.a)');
    expect(boundedJsonSchema(4).safeParse(nested(4)).success).toBe(true);
  });

  it('makes canonicalJson refuse 5,000 levels with invalid_input instead of overflowing in sortKeys', () => {
    expect(() => canonicalJson(nested(5_000))).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(canonicalJson({ b: 1, a: nested(10) })).toBe(`{"a":${JSON.stringify(nested(10))},"b":1}`);
  });
});
