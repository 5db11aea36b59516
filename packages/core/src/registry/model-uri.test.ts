import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors/ragops-error.ts';
import { formatModelUri, parseModelUri } from './model-uri.ts';
import { assertVersionPatchAllowed, canonicalJson, contentHash } from './registry-rules.ts';

describe('model URIs', () => {
  it.each([
    [
      'models:/prod.support.docs_qa/3',
      { name: { catalog: 'prod', schema: 'support', name: 'docs_qa' }, ref: { version: 3 } },
    ],
    ['models:/dev.s.m@champion', { name: { catalog: 'dev', schema: 's', name: 'm' }, ref: { alias: 'champion' } }],
    ['models:/dev.s.m@latest', { name: { catalog: 'dev', schema: 's', name: 'm' }, ref: { alias: 'latest' } }],
  ])('parses and formats %s', (uri, parsed) => {
    expect(parseModelUri(uri)).toEqual(parsed);
    expect(formatModelUri(parseModelUri(uri))).toBe(uri);
  });

  it.each([
    'models:/dev.s.m',
    'models:/dev.s/3',
    'models:/dev.s.m/0',
    'models:/dev.s.m/-1',
    'models:/dev.s.m/1.5',
    'models:/Dev.s.m/1',
    'models:/dev.s.m@Champion',
    'models:/dev.s.m@',
    'model:/dev.s.m/1',
    'models://dev.s.m/1',
    'models:/dev.s.m/1@x',
  ])('rejects %s with InvalidInputError', (uri) => {
    expect(() => parseModelUri(uri)).toThrow(InvalidInputError);
  });
});

describe('registry rules', () => {
  it('hashes canonical JSON: key order does not matter, content does', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"e":0,"f":1}]},"b":1}',
    );
    expect(contentHash({ a: 1, b: 2 })).toBe(contentHash({ b: 2, a: 1 }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 2 }));
    expect(contentHash({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses patches to immutable version fields and allows description and tags', () => {
    expect(() => assertVersionPatchAllowed({ description: 'x', tags: {} })).not.toThrow();
    expect(() => assertVersionPatchAllowed({ package: {} })).toThrow(/immutable: package/);
    expect(() => assertVersionPatchAllowed({ version: 2, description: 'x' })).toThrow(/version/);
  });
});
