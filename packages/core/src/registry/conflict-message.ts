import { ConflictError } from '../errors/ragops-error.ts';

/** Runs `work`; a ConflictError from the store (unique key) is rethrown with `message`, keeping the cause. */
export async function withConflictMessage<T>(message: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (ConflictError.isInstance(error) && error.code === 'conflict')
      throw new ConflictError(message, { cause: error });
    throw error;
  }
}
