import { type ModelVersion, RagopsError } from '@ragops/core';

/**
 * `create()`'s version, or the one a concurrent pipeline made first. `create` passes a content key
 * the store holds unique per model, so the loser of a race gets a ConflictError, never a second
 * version; it then re-reads the winner's (committed before the loser's insert failed). A conflict
 * with no version behind it is someone else's problem and is thrown.
 */
export async function createOrReread(
  create: () => Promise<ModelVersion>,
  reread: () => Promise<ModelVersion | undefined>,
): Promise<{ version: ModelVersion; created: boolean }> {
  try {
    return { version: await create(), created: true };
  } catch (error) {
    if (!RagopsError.isInstance(error) || error.code !== 'conflict') throw error;
    const winner = await reread();
    if (!winner) throw error;
    return { version: winner, created: false };
  }
}

// A build is minutes on a large corpus; a scheduler that started two pipelines waits rather than fails.
const BUILD_WAIT_MS = 30 * 60_000;
const BUILD_POLL_MS = 200;

/**
 * Runs `build`, waiting while another process (or another pipeline in this one) holds the index's
 * build lock: the second pipeline then builds on the first's result, which with an unchanged corpus
 * writes nothing, so both pin the same index version. Only the lock's ConflictError (it names the
 * owner in `details`) is waited on, for at most `waitMs`; any other error is thrown at once.
 */
export async function waitingForOtherBuilds<T>(
  build: () => Promise<T>,
  o: { waitMs?: number; pollMs?: number; onWait?: (message: string) => void } = {},
): Promise<T> {
  const deadline = Date.now() + (o.waitMs ?? BUILD_WAIT_MS);
  let told = false;
  for (;;) {
    try {
      return await build();
    } catch (error) {
      const locked = RagopsError.isInstance(error) && error.code === 'conflict' && 'owner' in (error.details ?? {});
      if (!locked || Date.now() >= deadline) throw error;
      if (!told) o.onWait?.(`waiting: ${error.message}`);
      told = true;
      await new Promise((resolve) => setTimeout(resolve, o.pollMs ?? BUILD_POLL_MS));
    }
  }
}
