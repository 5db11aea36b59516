import { createHash } from 'node:crypto';

/**
 * Whether a request is in the judged sample: the first 32 bits of sha256(request id) as a fraction
 * below `sampleRate`. A hash, not a random draw, so every replica and every re-run picks the same
 * requests (idempotent), and the sample does not depend on arrival order.
 */
export function inJudgingSample(requestId: string, sampleRate: number): boolean {
  if (sampleRate <= 0) return false;
  if (sampleRate >= 1) return true;
  const fraction = createHash('sha256').update(requestId).digest().readUInt32BE(0) / 2 ** 32;
  return fraction < sampleRate;
}
