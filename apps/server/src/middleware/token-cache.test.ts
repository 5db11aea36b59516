// The bearer token cache on a real SQLite store, with the cache's clock in the test's hands (no
// sleeps): a token revoked elsewhere (another replica, the CLI) works until the TTL has passed and
// not after; the cache holds at most maxEntries tokens, the least recently used leaving first; a
// wrong token is never cached; TTL 0 asks the store every time.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createToken,
  LOCAL_ADMIN_PRINCIPAL,
  type MetadataStore,
  openMetadataStore,
  readPrincipal,
  revokeToken,
} from '@ragops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenAuthenticator } from './token-cache.ts';

describe('token cache', () => {
  let dir: string;
  let store: MetadataStore;
  const ctx = async () => ({ store, actor: await readPrincipal(store, LOCAL_ADMIN_PRINCIPAL), requestId: 'test' });
  const newToken = async () =>
    (await createToken({ ...(await ctx()), token: {} })) as { token: string; info: { id: string } };
  const revoke = async (id: string) => revokeToken({ ...(await ctx()), id });
  // Not 0: lru-cache treats an entry stored at time 0 as never stale.
  let clockMs = 1;
  const now = () => clockMs;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ragops-token-cache-'));
    store = await openMetadataStore(`sqlite:${join(dir, 'ragops.db')}`);
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a token revoked elsewhere works until the TTL has passed, then is refused', async () => {
    const tokens = createTokenAuthenticator(store, { ttlMs: 1_000, now });
    const { token, info } = await newToken();
    clockMs = 10_000;
    expect((await tokens.authenticate(token)).name).toBe(LOCAL_ADMIN_PRINCIPAL);
    await revoke(info.id);
    clockMs = 11_000;
    // Within the TTL (its last millisecond included) the cached principal answers: the documented
    // bound on revocation's delay.
    expect((await tokens.authenticate(token)).name).toBe(LOCAL_ADMIN_PRINCIPAL);
    clockMs = 11_001;
    await expect(tokens.authenticate(token)).rejects.toMatchObject({ code: 'unauthenticated' });
    // And stays refused: the failure was not cached as a success.
    clockMs = 20_000;
    await expect(tokens.authenticate(token)).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('forgetAll makes a revocation hold at once (the revoking replica)', async () => {
    const tokens = createTokenAuthenticator(store, { ttlMs: 60_000, now });
    const { token, info } = await newToken();
    await tokens.authenticate(token);
    await revoke(info.id);
    tokens.forgetAll();
    await expect(tokens.authenticate(token)).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('holds at most maxEntries tokens; the least recently used is asked again', async () => {
    const tokens = createTokenAuthenticator(store, { ttlMs: 60_000, maxEntries: 3, now });
    const made = await Promise.all(Array.from({ length: 5 }, () => newToken()));
    for (const t of made) await tokens.authenticate(t.token);
    expect(tokens.size).toBe(3);
    // Revoked in the store: the evicted first token is looked up again and refused, while the last
    // (still cached) answers until its TTL.
    await revoke(made[0]!.info.id);
    await revoke(made[4]!.info.id);
    await expect(tokens.authenticate(made[0]!.token)).rejects.toMatchObject({ code: 'unauthenticated' });
    expect((await tokens.authenticate(made[4]!.token)).name).toBe(LOCAL_ADMIN_PRINCIPAL);
    expect(tokens.size).toBe(3);
  });

  it('never caches a wrong token, and TTL 0 asks the store every time', async () => {
    const cached = createTokenAuthenticator(store, { ttlMs: 1_000, now });
    for (const wrong of ['rgo_not-a-token', 'x'.repeat(500)]) {
      await expect(cached.authenticate(wrong)).rejects.toMatchObject({ code: 'unauthenticated' });
    }
    expect(cached.size).toBe(0);
    const uncached = createTokenAuthenticator(store, { ttlMs: 0 });
    const { token, info } = await newToken();
    expect((await uncached.authenticate(token)).name).toBe(LOCAL_ADMIN_PRINCIPAL);
    await revoke(info.id);
    await expect(uncached.authenticate(token)).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('hands out a frozen principal: one request cannot change it for the next', async () => {
    const tokens = createTokenAuthenticator(store, { ttlMs: 1_000, now });
    const { token } = await newToken();
    const first = await tokens.authenticate(token);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => {
      (first as { isAdmin: boolean }).isAdmin = false;
    }).toThrow(TypeError);
    expect((await tokens.authenticate(token)).isAdmin).toBe(true);
  });
});
