import { ConflictError, InvalidInputError, type ModelVersion } from '@ragops/core';
import { describe, expect, it } from 'vitest';
import { createOrReread, waitingForOtherBuilds } from './concurrent-pipelines.ts';

// Only identity matters to these helpers: they pass versions through.
const version = (n: number) => ({ version: n }) as ModelVersion;
const lockError = () =>
  new ConflictError('Index dev.s.docs is locked by another build.', { details: { index: 'dev.s.docs', owner: {} } });

describe('createOrReread', () => {
  it('returns what create made', async () => {
    expect(
      await createOrReread(
        async () => version(1),
        async () => version(9),
      ),
    ).toEqual({
      version: version(1),
      created: true,
    });
  });

  it('answers a conflict with the version the other run made', async () => {
    const r = await createOrReread(
      async () => {
        throw new ConflictError('already exists (content key)');
      },
      async () => version(2),
    );
    expect(r).toEqual({ version: version(2), created: false });
  });

  it('throws a conflict with no version behind it, and any other error, as they are', async () => {
    const conflict = new ConflictError('already exists (something else)');
    await expect(
      createOrReread(
        async () => {
          throw conflict;
        },
        async () => undefined,
      ),
    ).rejects.toBe(conflict);
    const bad = new InvalidInputError('bad package');
    let reread = 0;
    await expect(
      createOrReread(
        async () => {
          throw bad;
        },
        async () => {
          reread++;
          return version(3);
        },
      ),
    ).rejects.toBe(bad);
    expect(reread).toBe(0);
  });
});

describe('waitingForOtherBuilds', () => {
  it('retries while the index lock is held, then returns the build', async () => {
    let calls = 0;
    const told: string[] = [];
    const result = await waitingForOtherBuilds(
      async () => {
        if (++calls < 3) throw lockError();
        return 'built';
      },
      { pollMs: 1, onWait: (m) => told.push(m) },
    );
    expect({ result, calls }).toEqual({ result: 'built', calls: 3 });
    // Said once, not at every poll.
    expect(told).toEqual(['waiting: Index dev.s.docs is locked by another build.']);
  });

  it('throws another conflict at once, and the lock error once the wait is over', async () => {
    let calls = 0;
    const other = new ConflictError('something else');
    await expect(
      waitingForOtherBuilds(async () => {
        calls++;
        throw other;
      }),
    ).rejects.toBe(other);
    expect(calls).toBe(1);
    await expect(
      waitingForOtherBuilds(
        async () => {
          throw lockError();
        },
        { waitMs: 0 },
      ),
    ).rejects.toMatchObject({ code: 'conflict', details: { index: 'dev.s.docs' } });
  });
});
