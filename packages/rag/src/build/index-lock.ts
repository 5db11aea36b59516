import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { ConflictError } from '@ragops/core';
import lockfile from 'proper-lockfile';

type LockOwner = { pid: number; host: string; startedAt: string; operation: string };

/** Who holds an index lock: nobody, a live process, or a dead one (killed; the next build takes over). */
export type IndexLockState = { state: 'free' } | { state: 'held' | 'stale'; owner: LockOwner | undefined };

const STALE_MS = 15_000;

/**
 * Runs `work` holding the index's lock, or throws ConflictError when another process holds it.
 * proper-lockfile keeps the lock's mtime fresh while we run and treats it as stale after `staleMs`;
 * we also record our pid, so a lock left by a killed process on this host is taken over at once.
 */
export async function withIndexLock<T>(
  paths: { dir: string; lock: string; name: string },
  operation: string,
  work: () => Promise<T>,
): Promise<T> {
  await mkdir(paths.dir, { recursive: true });
  const ownerFile = `${paths.lock}.owner.json`;
  const options = { lockfilePath: paths.lock, stale: STALE_MS, update: 5_000, realpath: false, retries: 0 };
  let compromised: Error | undefined;
  const onCompromised = (error: Error) => {
    compromised = error;
  };
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(paths.dir, { ...options, onCompromised });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    const owner = await readOwner(ownerFile);
    if (!owner || owner.host !== hostname() || isAlive(owner.pid)) {
      const who = owner ? ` (${owner.operation} by pid ${owner.pid} on ${owner.host} since ${owner.startedAt})` : '';
      throw new ConflictError(
        `Index ${paths.name} is locked by another build${who}. Wait for it to finish, then retry.`,
        { details: { index: paths.name, owner } },
      );
    }
    // The owner died without releasing (kill -9): the lock is stale.
    await rm(paths.lock, { recursive: true, force: true });
    release = await lockfile.lock(paths.dir, { ...options, onCompromised });
  }
  const owner: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), operation };
  await writeFile(ownerFile, JSON.stringify(owner));
  try {
    const result = await work();
    if (compromised) throw new ConflictError(`Lost the lock on index ${paths.name}: ${compromised.message}`);
    return result;
  } finally {
    await rm(ownerFile, { force: true });
    await release().catch(() => undefined);
  }
}

/**
 * The state of an index's lock without taking it: `stale` when the owner recorded a pid on this host
 * that is no longer alive, or the lock was not refreshed within its stale time (proper-lockfile).
 */
export async function inspectIndexLock(paths: { dir: string; lock: string }): Promise<IndexLockState> {
  const owner = await readOwner(`${paths.lock}.owner.json`);
  const locked = await lockfile.check(paths.dir, { lockfilePath: paths.lock, stale: STALE_MS, realpath: false });
  const exists = await access(paths.lock).then(
    () => true,
    () => false,
  );
  if (!exists) return { state: 'free' };
  const dead = owner !== undefined && owner.host === hostname() && !isAlive(owner.pid);
  return { state: locked && !dead ? 'held' : 'stale', owner };
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockOwner;
  } catch {
    return undefined; // not written yet, or removed while we looked: treat the lock as live
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
