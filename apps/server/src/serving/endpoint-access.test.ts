import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LOCAL_ADMIN_PRINCIPAL,
  type MetadataStore,
  NotFoundError,
  openMetadataStore,
  readPrincipal,
} from '@ragops/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENDPOINT_ACCESS_CACHE_MAX, EndpointAccess } from './endpoint-access.ts';
import { LruMap } from './lru-map.ts';

let dir: string;
let store: MetadataStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-access-'));
  store = await openMetadataStore(`sqlite:${join(dir, 'db')}`);
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('EndpointAccess cache bound', () => {
  it('keeps at most cacheMax entries however many unknown model names a client sends', async () => {
    const access = new EndpointAccess(store, 60_000, { cacheMax: 50 });
    const principal = await readPrincipal(store, LOCAL_ADMIN_PRINCIPAL);
    for (let i = 0; i < 400; i++) {
      await expect(access.admit(`no-such-model-${i}`, principal)).rejects.toBeInstanceOf(NotFoundError);
      expect(access.cachedEndpoints).toBeLessThanOrEqual(50);
    }
    expect(access.cachedEndpoints).toBe(50);
    // An evicted name is looked up again and still answers not found.
    await expect(access.admit('no-such-model-0', principal)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('is bounded by default', () => {
    expect(ENDPOINT_ACCESS_CACHE_MAX).toBeGreaterThan(0);
    expect(Number.isFinite(ENDPOINT_ACCESS_CACHE_MAX)).toBe(true);
  });
});

describe('LruMap', () => {
  it('evicts the least recently used entry past its cap', () => {
    const m = new LruMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    expect(m.get('a')).toBe(1); // a is now the most recent
    m.set('c', 3);
    expect(m.size).toBe(2);
    expect(m.get('b')).toBeUndefined();
    expect(m.get('a')).toBe(1);
    expect(m.get('c')).toBe(3);
    m.set('c', 4); // overwrite does not grow
    expect(m.size).toBe(2);
    expect(m.get('c')).toBe(4);
  });

  it('refuses a cap that is not a positive integer', () => {
    expect(() => new LruMap(0)).toThrow(RangeError);
  });
});
