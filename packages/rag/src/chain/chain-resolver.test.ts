import { NotFoundError } from '@ragops/core';
import { describe, expect, it } from 'vitest';
import { ChainResolver } from './chain-resolver.ts';
import type { Chain, ChainPackage, ChainVersion } from './chain-types.ts';

// The store is replaced by a map here to drive time precisely; serving tests use a real store.
function setup(aliasStalenessMs = 1_000) {
  let clock = 0;
  const aliases = new Map([['models:/dev.s.m@champion', 1]]);
  const lookups: string[] = [];
  const loads: number[] = [];
  const version = (v: number): ChainVersion => ({ modelName: 'dev.s.m', version: v, package: {} as ChainPackage });
  const resolver = new ChainResolver({
    aliasStalenessMs,
    now: () => clock,
    lookup: async (uri) => {
      lookups.push(uri);
      const byVersion = /\/(\d+)$/.exec(uri);
      if (byVersion) return version(Number(byVersion[1]));
      const v = aliases.get(uri);
      if (v === undefined) throw new NotFoundError(`${uri} not found`);
      return version(v);
    },
    load: async (v) => {
      loads.push(v.version);
      return { modelName: v.modelName, version: v.version, uri: `models:/${v.modelName}/${v.version}` } as Chain;
    },
  });
  return { resolver, aliases, lookups, loads, tick: (ms: number) => (clock += ms) };
}

describe('ChainResolver', () => {
  it('re-reads an alias at most once per staleness window and follows its moves', async () => {
    const { resolver, aliases, lookups, loads, tick } = setup(1_000);
    expect((await resolver.resolve('models:/dev.s.m@champion')).version).toBe(1);
    aliases.set('models:/dev.s.m@champion', 2);
    tick(999);
    expect((await resolver.resolve('models:/dev.s.m@champion')).version).toBe(1); // within the bound
    tick(1);
    expect((await resolver.resolve('models:/dev.s.m@champion')).version).toBe(2);
    expect(lookups).toHaveLength(2);
    expect(loads).toEqual([1, 2]);
  });

  it('caches versioned URIs and loaded chains; concurrent requests share one lookup and load', async () => {
    const { resolver, lookups, loads } = setup();
    const chains = await Promise.all(Array.from({ length: 10 }, () => resolver.resolve('models:/dev.s.m/3')));
    expect(new Set(chains).size).toBe(1);
    await resolver.resolve('models:/dev.s.m/3');
    expect(lookups).toEqual(['models:/dev.s.m/3']);
    expect(loads).toEqual([3]);
  });

  it('does not cache failures', async () => {
    const { resolver, aliases } = setup();
    await expect(resolver.resolve('models:/dev.s.m@challenger')).rejects.toBeInstanceOf(NotFoundError);
    aliases.set('models:/dev.s.m@challenger', 4);
    expect((await resolver.resolve('models:/dev.s.m@challenger')).version).toBe(4);
  });
});
