import { seededRandom } from '@ragops/core';

// Core's one seeded generator (mulberry32): generated test weights are the same every run.
export { seededRandom };

/** `count` floats uniform in [-scale, scale]. */
export function randomWeights(random: () => number, count: number, scale: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (random() * 2 - 1) * scale;
  return out;
}
