import { ConfigError } from '@ragops/core';
import { describe, expect, it } from 'vitest';
import type { IndexBuild } from '../build/build-record.ts';
import { assertBuildMatches, registryPinTag } from './register-chain.ts';

const build = {
  index: 'dev.s.docs',
  version: 4,
  chunker: { strategy: 'recursive', size: 1000, overlap: 150 },
  embedder: { provider: 'hash', model: 'hash-v2', dimensions: 64 },
} as IndexBuild;

describe('assertBuildMatches', () => {
  it('accepts a spec equal to the build', () => {
    expect(() =>
      assertBuildMatches({
        chainName: 'qa',
        build,
        chunker: build.chunker,
        embedder: { ...build.embedder } as IndexBuild['embedder'],
      }),
    ).not.toThrow();
  });

  it('lists every difference of chunker and embedder in one ConfigError', () => {
    const run = () =>
      assertBuildMatches({
        chainName: 'qa',
        build,
        chunker: { strategy: 'markdown', size: 1000, overlap: 100 },
        embedder: { provider: 'hash', model: 'hash-v2', dimensions: 32 },
      });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(
      /index dev\.s\.docs version 4 .*chunker\.strategy: spec markdown, build recursive; chunker\.overlap: spec 100, build 150; embedder\.dimensions: spec 32, build 64/,
    );
  });

  it('names the Lance tag that pins an index version', () => {
    expect(registryPinTag(7)).toBe('registry-v7');
  });
});
